// Builds the CPU test double of the CUDA driver, cuBLAS and cuBLASLt into the temporary folder, once per version of its
// sources: cuda-driver-double.c, cublas-double.c, emulator.cpp and every kernels/*.cu compiled with g++ through
// cuda-emulation.h, each family's entry points registered by name (found in the preprocessed
// source, so macro-generated kernels count). Returns the .so's path, for LLMKIT_CUDA_LIBCUDA, LLMKIT_CUBLAS and LLMKIT_CUBLASLT.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const kernels = fileURLToPath(new URL('../../kernels', import.meta.url));
const CXX = process.env.CXX ?? 'g++';
const CXXFLAGS = ['-O2', '-fPIC', '-std=c++17', '-Wno-unknown-pragmas', '-Wno-sign-compare', `-I${here}`, `-I${kernels}`];

/** Kernel entry points of a .cu file: `extern "C" void name(` once the emulation header expanded the macros. */
export function emulatedEntryPoints(cuFile: string): string[] {
  const pre = execFileSync(CXX, [...CXXFLAGS, '-E', '-x', 'c++', '-include', join(here, 'cuda-emulation.h'), cuFile], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return [...new Set([...pre.matchAll(/extern\s+"C"\s+void\s+(\w+)\s*\(/g)].map((m) => m[1]!))];
}

export function buildDriverDouble(): string {
  const families = readdirSync(kernels).filter((f) => f.endsWith('.cu')).sort();
  const hash = createHash('sha256');
  for (const f of ['cuda-driver-double.c', 'cublas-double.c', 'cublaslt-double.c', 'emulator.cpp', 'emulator.h', 'cuda-emulation.h']) hash.update(readFileSync(join(here, f)));
  for (const f of [...families, 'llmkit.cuh']) hash.update(f).update(readFileSync(join(kernels, f)));
  hash.update(CXXFLAGS.join(' '));
  const key = hash.digest('hex').slice(0, 16);
  const out = join(tmpdir(), `llmkit-cuda-double-${key}.so`);
  if (existsSync(out)) return out;
  const work = join(tmpdir(), `llmkit-cuda-double-${key}-${process.pid}`);
  mkdirSync(work, { recursive: true });
  const objects: string[] = [];
  const cc = (args: string[]) => execFileSync(args[0]!, args.slice(1), { stdio: 'pipe' });
  cc([process.env.CC ?? 'cc', '-c', '-O2', '-fPIC', '-std=c11', '-Wall', '-Wextra', '-Werror', '-o', join(work, 'driver.o'), join(here, 'cuda-driver-double.c')]);
  objects.push(join(work, 'driver.o'));
  cc([process.env.CC ?? 'cc', '-c', '-O2', '-fPIC', '-std=c11', '-Wall', '-Wextra', '-Werror', '-o', join(work, 'cublas.o'), join(here, 'cublas-double.c')]);
  objects.push(join(work, 'cublas.o'));
  cc([process.env.CC ?? 'cc', '-c', '-O2', '-fPIC', '-std=c11', '-Wall', '-Wextra', '-Werror', '-o', join(work, 'cublaslt.o'), join(here, 'cublaslt-double.c')]);
  objects.push(join(work, 'cublaslt.o'));
  cc([CXX, ...CXXFLAGS, '-c', '-o', join(work, 'emulator.o'), join(here, 'emulator.cpp')]);
  objects.push(join(work, 'emulator.o'));
  for (const f of families) {
    const file = join(kernels, f);
    const names = emulatedEntryPoints(file);
    const tu = join(work, `${f}.cpp`);
    writeFileSync(
      tu,
      `#include "cuda-emulation.h"\n#include ${JSON.stringify(file)}\n#include "emulator.h"\n` +
        `static const EmuKernel kernels[] = {\n${names.map((n) => `  EMU_KERNEL(${n}),`).join('\n')}\n};\n` +
        `static EmuRegistrar registrar(kernels, ${names.length});\n`,
    );
    cc([CXX, ...CXXFLAGS, '-c', '-o', `${tu}.o`, tu]);
    objects.push(`${tu}.o`);
  }
  const tmp = `${out}.${process.pid}.tmp`;
  cc([CXX, '-shared', '-o', tmp, ...objects, '-lm']);
  renameSync(tmp, out);
  return out;
}

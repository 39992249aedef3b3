// Builds and runs the race check: the kernels/*.cu families compiled with g++ -fsanitize=thread
// through cuda-emulation.h in its OS-thread model (LLMKIT_EMU_THREADS, thread-emulator.cpp), each
// with its cases (races/<family>.cpp), linked into one program (races-main.cpp). Objects are cached
// in the temporary folder by the hash of what they are built from. `edits` replaces kernel sources
// in a private copy of kernels/ (the test of the test: a kernel with a __syncthreads removed).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const kernelsDir = fileURLToPath(new URL('../../kernels', import.meta.url));
const CXX = process.env.CXX ?? 'g++';
const FLAGS = ['-fsanitize=thread', '-g', '-O1', '-std=c++17', '-Wno-unknown-pragmas', '-Wno-sign-compare', '-DLLMKIT_EMU_THREADS'];
const HARNESS = ['cuda-emulation.h', 'cuda-emulation-threads.h', 'race-harness.h', 'thread-emulator.cpp', 'warp-barrier.cpp', 'races-main.cpp'];
// The warp shuffle's waiting must be invisible to ThreadSanitizer: its file is not instrumented.
const UNINSTRUMENTED = ['-g', '-O2', '-std=c++17', '-fPIE', '-DLLMKIT_EMU_THREADS'];

/** The kernel families (kernels/<family>.cu). */
export function kernelFamilies(): string[] {
  return readdirSync(kernelsDir)
    .filter((f) => f.endsWith('.cu'))
    .map((f) => f.slice(0, -3))
    .sort();
}

export interface RaceBuild {
  /** The program: `races [family...]`. */
  exe: string;
  families: string[];
  /** ThreadSanitizer suppressions for the __shared__ arrays (statics shared by every block), used with blocks unordered. */
  sharedSuppressions: string;
}

/**
 * Builds the race-check program for `families` (default: all). `edits` maps a file of kernels/
 * (e.g. 'attention.cu' or 'llmkit.cuh') to the text to compile instead.
 */
export function buildRaceCheck(options: { families?: string[]; edits?: Record<string, string> } = {}): RaceBuild {
  const families = options.families ?? kernelFamilies();
  for (const f of families) {
    if (!existsSync(join(kernelsDir, `${f}.cu`))) throw new Error(`race check: no kernel family kernels/${f}.cu`);
    if (!existsSync(join(here, 'races', `${f}.cpp`))) throw new Error(`race check: kernels/${f}.cu has no race cases: add test/double/races/${f}.cpp`);
  }
  const source = (file: string) => options.edits?.[file] ?? readFileSync(join(kernelsDir, file), 'utf8');
  for (const file of Object.keys(options.edits ?? {})) {
    if (!existsSync(join(kernelsDir, file))) throw new Error(`race check: edit of kernels/${file}, which does not exist`);
  }
  const common = createHash('sha256').update(CXX).update(FLAGS.join(' '));
  for (const f of HARNESS) common.update(f).update(readFileSync(join(here, f)));
  const base = common.digest('hex');

  const cache = join(tmpdir(), 'llmkit-cuda-races');
  mkdirSync(cache, { recursive: true });
  const compile = (key: string, args: string[], flags = FLAGS): string => {
    const obj = join(cache, `${key}.o`);
    if (existsSync(obj)) return obj;
    const tmp = `${obj}.${process.pid}.tmp.o`;
    execFileSync(CXX, [...flags, '-c', '-o', tmp, ...args], { stdio: 'pipe' });
    renameSync(tmp, obj);
    return obj;
  };
  const hashOf = (...parts: string[]) => {
    const h = createHash('sha256').update(base);
    for (const p of parts) h.update(p);
    return h.digest('hex').slice(0, 20);
  };

  // Edited sources are compiled from a private copy of kernels/, keyed by their hash; unedited ones
  // from kernels/ itself, so that reports name the repository's files.
  const all = readdirSync(kernelsDir).filter((f) => f.endsWith('.cu') || f.endsWith('.cuh'));
  const edited = Object.keys(options.edits ?? {}).length > 0;
  const sources = edited ? join(cache, `kernels-${hashOf(...all.map((f) => f + source(f)))}`) : kernelsDir;
  if (edited && !existsSync(sources)) {
    const tmp = `${sources}.${process.pid}.tmp`;
    mkdirSync(tmp, { recursive: true });
    for (const f of all) writeFileSync(join(tmp, f), source(f));
    renameSync(tmp, sources);
  }

  const include = ['-I', here, '-I', sources, '-include', join(here, 'cuda-emulation.h')];
  const objects = [
    compile(hashOf('thread-emulator'), [...include, join(here, 'thread-emulator.cpp')]),
    compile(hashOf('races-main'), [...include, join(here, 'races-main.cpp')]),
    compile(hashOf('warp-barrier'), ['-I', here, join(here, 'warp-barrier.cpp')], UNINSTRUMENTED),
  ];
  for (const f of families) {
    const cases = join(here, 'races', `${f}.cpp`);
    const cu = join(sources, `${f}.cu`);
    objects.push(compile(hashOf(f, sources, source(`${f}.cu`), source('llmkit.cuh'), readFileSync(cases, 'utf8')), [...include, `-DLLMKIT_KERNEL_SOURCE=${JSON.stringify(cu)}`, cases]));
  }
  // Blocks unordered, every block's threads meet on the __shared__ statics: reports on them are
  // suppressed there (the ordered run checks them). Names from the sources: `__shared__ T name[`.
  const shared = new Set<string>();
  for (const f of all) for (const m of source(f).matchAll(/__shared__\s+(?:\w+\s+)+?(\w+)\s*\[/g)) shared.add(m[1]!);
  const sharedSuppressions = join(cache, `shared-${hashOf(...shared)}.supp`);
  if (!existsSync(sharedSuppressions)) writeFileSync(sharedSuppressions, [...shared].map((n) => `race:::${n}$\n`).join(''));
  const exe = join(cache, `races-${hashOf(...objects)}`);
  if (!existsSync(exe)) {
    const tmp = `${exe}.${process.pid}.tmp`;
    execFileSync(CXX, ['-fsanitize=thread', '-o', tmp, ...objects, '-lpthread'], { stdio: 'pipe' });
    renameSync(tmp, exe);
  }
  return { exe, families, sharedSuppressions };
}

export interface RaceRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Kernels launched, in order (from the program's "launched <name>" lines). */
  launched: string[];
  /** ThreadSanitizer's warnings ("WARNING: ThreadSanitizer: ..." blocks). */
  reports: string[];
}

/**
 * Runs the program on the families it was built with; `kernels` limits the launches to those named;
 * `blocks: 'unordered'` leaves the blocks of a grid unordered (races between blocks; __shared__
 * arrays suppressed), the default orders them (races within a block, shared memory included).
 */
export function runRaceCheck(build: RaceBuild, options: { kernels?: string[]; blocks?: 'ordered' | 'unordered' } = {}): RaceRun {
  const families = build.families;
  const unordered = options.blocks === 'unordered';
  // halt_on_error=0: every report of the run, not only the first; exitcode: a report fails the run;
  // atexit_sleep_ms=0: no second of waiting at exit.
  const tsan = `halt_on_error=0 exitcode=66 history_size=4 atexit_sleep_ms=0${unordered ? ` suppressions=${build.sharedSuppressions}` : ''}`;
  const env = { ...process.env, TSAN_OPTIONS: tsan, LLMKIT_RACE_KERNELS: options.kernels?.join(',') ?? '', LLMKIT_RACE_BLOCKS: unordered ? 'unordered' : 'ordered' };
  let r = spawnSync(build.exe, families, { env, encoding: 'utf8', maxBuffer: 256 << 20 });
  // gcc 12's ThreadSanitizer cannot map its shadow under kernels with high mmap randomisation
  // (vm.mmap_rnd_bits > 28): it says so and exits; the run without address randomisation works.
  if (/unexpected memory mapping/.test(r.stderr ?? '')) {
    r = spawnSync('setarch', [process.arch === 'arm64' ? 'aarch64' : 'x86_64', '-R', build.exe, ...families], { env, encoding: 'utf8', maxBuffer: 256 << 20 });
  }
  const stdout = r.stdout ?? '';
  const stderr = r.stderr ?? '';
  return {
    status: r.status,
    stdout,
    stderr,
    launched: [...stdout.matchAll(/^launched (\w+) /gm)].map((m) => m[1]!),
    reports: stderr.split(/^==================$/m).filter((b) => /WARNING: ThreadSanitizer:/.test(b)),
  };
}

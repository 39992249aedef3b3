// `llmkit-cuda doctor` on this machine (real driver, no GPU): runs, says "no device" with what it
// found, lists the libraries and the shipped kernel architectures, and never crashes.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import type { DoctorReport } from '../src/doctor.js';
import { LIBCUDA } from '../src/ffi/discovery.js';
import { describeWithLibrary } from './cuda-libs.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });

describeWithLibrary(LIBCUDA, 'doctor with the real driver', () => {
  it('reports the driver version, no device (cuInit 100), the libraries and the shipped architectures', () => {
    const child = run(['doctor', '--json']);
    expect(child.status, child.stderr).toBe(0);
    const r = JSON.parse(child.stdout) as DoctorReport;
    expect(r.node).toBe(process.version);
    expect(r.driver).toMatchObject({ init: 'CUDA_ERROR_NO_DEVICE (100)' });
    expect((r.driver as { cudaVersion: string }).cudaVersion).toMatch(/^CUDA \d+\.\d+$/);
    expect(r.devices).toEqual([]);
    expect(r.findings).toMatch(/libcuda loaded from/);
    expect(r.kernels).toMatchObject({ cubins: [70, 80, 90], ptx: 'compute_70' });
    expect(r.cublasLt).toEqual({ path: expect.stringMatching(/libcublasLt\.so\.1[123]$/) });
    expect(r.verdict).toMatch(/^no device/);
  });

  it('the text form has one line per item', () => {
    const child = run(['doctor']);
    expect(child.status, child.stderr).toBe(0);
    expect(child.stdout).toMatch(/^node {8}v\d+/m);
    expect(child.stdout).toMatch(/^driver {6}\S*libcuda\.so\.1, supports CUDA \d+\.\d+, cuInit: CUDA_ERROR_NO_DEVICE \(100\)$/m);
    expect(child.stdout).toMatch(/^GPUs {8}none$/m);
    expect(child.stdout).toMatch(/^cuBLASLt {4}libcublasLt\.so\.1[123]$/m);
    expect(child.stdout).toMatch(/^kernels {5}\d+ families: cubins sm_70\/sm_80\/sm_90, PTX compute_70/m);
    expect(child.stdout).toMatch(/^verdict {5}no device/m);
  });
});

it('a missing driver is a line of the report, not a crash', () => {
  const child = run(['doctor'], { LLMKIT_CUDA_LIBCUDA: '/nonexistent/libcuda.so.1' });
  expect(child.status, child.stderr).toBe(0);
  expect(child.stdout).toMatch(/^driver {6}MISSING: CUDA driver \(libcuda\) not found\. Tried: \/nonexistent\/libcuda\.so\.1/m);
  expect(child.stdout).toMatch(/^verdict {5}no CUDA driver/m);
});

it('a missing cuBLASLt is a line of the report naming what was tried and the variable', () => {
  const child = run(['doctor'], { LLMKIT_CUBLASLT: '/nonexistent/libcublasLt.so.12' });
  expect(child.status, child.stderr).toBe(0);
  expect(child.stdout).toMatch(/^cuBLASLt {4}MISSING: cuBLASLt not found\. Tried: \/nonexistent\/libcublasLt\.so\.12 \[LLMKIT_CUBLASLT\].*set LLMKIT_CUBLASLT/m);
});

it('an unknown command prints the usage and exits 2', () => {
  const child = run(['docter']);
  expect(child.status).toBe(2);
  expect(child.stderr).toMatch(/usage: llmkit-cuda doctor \[--json\]\n {2}\(got "docter"\)/);
});

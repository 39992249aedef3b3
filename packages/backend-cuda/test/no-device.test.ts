// With the real driver and no GPU (cuInit answers 100), useBackend('cuda') must fail with a typed
// "no CUDA device" error that says what was found; a missing libcuda gives the documented message.
// Neither may crash or hang the process. Runs the built package in a child process.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { describeWithLibrary } from './cuda-libs.js';
import { LIBCUDA } from '../src/ffi/discovery.js';

const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const script = `
  const { useBackend, BackendError } = await import('@llmkit/core');
  const { CudaError } = await import(${JSON.stringify(dist)});
  try {
    await useBackend('cuda');
    console.log('UNEXPECTED: useBackend resolved');
  } catch (e) {
    const cause = e.cause;
    console.log(JSON.stringify({ backendError: BackendError.isInstance(e), message: e.message,
      cudaCause: CudaError.isInstance(cause), call: cause?.call, status: cause?.status, statusName: cause?.statusName }));
  }
`;

function runChild(env: Record<string, string>) {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
    cwd: fileURLToPath(new URL('..', import.meta.url)),
  });
  expect(child.status, child.stderr).toBe(0);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as {
    backendError: boolean; message: string; cudaCause: boolean; call: string; status: number; statusName: string;
  };
}

describeWithLibrary(LIBCUDA, 'the real driver without a GPU', () => {
  it("useBackend('cuda') fails with a typed 'no CUDA device' error naming cuInit, the driver and what was found", () => {
    const e = runChild({});
    expect(e.backendError).toBe(true);
    expect(e.cudaCause).toBe(true);
    expect(e).toMatchObject({ call: 'cuInit', status: 100, statusName: 'CUDA_ERROR_NO_DEVICE' });
    expect(e.message).toMatch(/^Backend 'cuda' failed to initialise: no CUDA device: cuInit returned CUDA_ERROR_NO_DEVICE \(100\)\./);
    expect(e.message).toMatch(/libcuda loaded from \S*libcuda\.so\.1 \(driver supports CUDA \d+\.\d+\)/);
    expect(e.message).toMatch(/no \/dev\/nvidia\* device nodes|device nodes \/dev\/nvidia/);
    expect(e.message).toMatch(/useBackend\('wasm'\)/);
  });
});

it('a missing libcuda: a typed error listing what was tried and what to install', () => {
  const e = runChild({ LLMKIT_CUDA_LIBCUDA: '/nonexistent/libcuda.so.1' });
  expect(e.backendError).toBe(true);
  expect(e).toMatchObject({ cudaCause: true, call: 'dlopen', statusName: 'LIBRARY_NOT_FOUND' });
  expect(e.message).toMatch(/CUDA driver \(libcuda\) not found\. Tried: \/nonexistent\/libcuda\.so\.1 \[LLMKIT_CUDA_LIBCUDA\]/);
  expect(e.message).toMatch(/Install the NVIDIA driver/);
});

// Without a usable Vulkan driver Dawn finds no adapter: useBackend('webgpu') must fail with a
// BackendError that says why and what to set, and the process must exit cleanly (no hang, no
// crash). Runs in a child process, since the adapter is chosen once per process.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const script = `
  const { useBackend } = await import('@llmkit/core');
  await import(${JSON.stringify(dist)});
  try {
    await useBackend('webgpu');
    console.log('UNEXPECTED: an adapter was found');
  } catch (e) {
    console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message }));
  }
`;

it('a missing Vulkan ICD is a BackendError naming VK_ICD_FILENAMES, the missing file and the fix', () => {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, VK_ICD_FILENAMES: '/nonexistent/icd.json', XDG_RUNTIME_DIR: '/tmp' },
    encoding: 'utf8',
    timeout: 60_000,
    cwd: fileURLToPath(new URL('..', import.meta.url)),
  });
  expect(child.status, child.stderr).toBe(0);
  const line = child.stdout.trim().split('\n').at(-1)!;
  const error = JSON.parse(line) as { name: string; code: string; message: string };
  expect(error.code).toBe('BackendError');
  expect(error.message).toMatch(/Backend 'webgpu' failed to initialise: Dawn found no WebGPU adapter/);
  expect(error.message).toMatch(/VK_ICD_FILENAMES=\/nonexistent\/icd\.json names missing file\(s\): \/nonexistent\/icd\.json/);
  expect(error.message).toMatch(/apt-get install chromium libvulkan1/);
  expect(error.message).toMatch(/useBackend\("wasm"\)/);
});

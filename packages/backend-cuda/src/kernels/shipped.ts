// The kernels shipped in this package's dist/kernels (built by scripts/build-kernels.mjs).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { KernelManifest } from './images.js';

/** dist/kernels next to the built module (this file is bundled into dist/*.js). */
export function shippedKernelsDir(): string {
  return fileURLToPath(new URL('./kernels/', import.meta.url));
}

/** The shipped manifest, or null when the package was built without kernels. */
export function readShippedManifest(dir: string = shippedKernelsDir()): KernelManifest | null {
  const file = `${dir}/manifest.json`;
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as KernelManifest) : null;
}

// The real CUDA libraries of this machine (Debian's libcuda1, libcublas11, libnvrtc11.2, installed
// by .ci/run). In CI (`CI` set) a missing library fails the suite that needs it, naming the apt
// packages; on a developer's machine that suite is skipped with a warning.
import { describe, it } from 'vitest';
import type { LibraryHandle } from 'koffi';
import { openLibrary, type LibrarySpec } from '../src/ffi/discovery.js';

export const APT_HINT = 'enable Debian contrib non-free, then apt-get install -y --no-install-recommends libnvrtc11.2 libnvrtc-builtins11.8 libcuda1 libcublas11 (.ci/run does both)';

export function tryOpen(spec: LibrarySpec): { lib: LibraryHandle; path: string } | { reason: string } {
  try {
    return openLibrary(spec);
  } catch (e) {
    return { reason: e instanceof Error ? e.message : String(e) };
  }
}

/** `describe(name, body(lib))` when `spec` loads; otherwise fails in CI, warns and skips elsewhere. */
export function describeWithLibrary(spec: LibrarySpec, name: string, body: (lib: LibraryHandle, path: string) => void): void {
  const found = tryOpen(spec);
  if ('lib' in found) {
    describe(`${name} (${found.path})`, () => body(found.lib, found.path));
    return;
  }
  if (process.env.CI) {
    describe(name, () => {
      it(`needs ${spec.label}`, () => {
        throw new Error(`${found.reason}\nFix: ${APT_HINT}`);
      });
    });
  } else {
    console.warn(`[backend-cuda] skipping "${name}": ${found.reason} (${APT_HINT})`);
    describe.skip(name, () => it('needs the library', () => undefined));
  }
}

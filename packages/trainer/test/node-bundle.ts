// Bundles a TypeScript file of this package (a child-process script or an example) with esbuild
// into one .mjs that plain Node runs: the tests that need a fresh process share this one recipe.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

// Inside the repository, so the bundle's external @llmkit/* and @tensorflow/* imports resolve.
const CACHE = fileURLToPath(new URL('../../../node_modules/.cache/llmkit-trainer-test/', import.meta.url));

/** What stays an import of the installed package instead of being bundled. */
const EXTERNAL = ['@llmkit/*', '@tensorflow/*', 'cli-progress', 'hyparquet'];

/**
 * Bundles `entry` (a file path) to `<cache>/<name>-<pid>.mjs` and returns that path; the caller
 * removes it when done.
 */
export async function bundleForNode(entry: string, name: string, options: { external?: string[]; plugins?: Plugin[] } = {}): Promise<string> {
  mkdirSync(CACHE, { recursive: true });
  const outfile = join(CACHE, `${name}-${process.pid}.mjs`);
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    external: options.external ?? EXTERNAL,
    plugins: options.plugins ?? [],
    logLevel: 'silent',
  });
  return outfile;
}

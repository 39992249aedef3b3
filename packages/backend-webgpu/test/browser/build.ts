// Bundles entry.ts for the browser with esbuild: 'vitest' becomes vitest-shim.ts; `node:fs` becomes
// a module that serves testkit's fixtures (fixtures/ops/*.json, embedded in the bundle) to
// testkit's `readFileSync`; `node:url` gets a `fileURLToPath` that accepts http URLs; any other
// `node:` built-in becomes a module whose functions throw, naming the built-in (the packages use
// them only on Node-only paths).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const PACKAGE_DIR = join(HERE, '..', '..');
/** testkit's op fixtures (a workspace package; its published tarball ships the same folder). */
export const FIXTURE_DIR = join(PACKAGE_DIR, '..', 'testkit', 'fixtures', 'ops');

function fsShim(): string {
  const files: Record<string, string> = {};
  for (const f of readdirSync(FIXTURE_DIR)) if (f.endsWith('.json')) files[f] = readFileSync(join(FIXTURE_DIR, f), 'utf8');
  return `
const files = ${JSON.stringify(files)};
const base = (p) => String(p).split(/[\\\\/]/).pop();
function lookup(p) {
  const name = base(p);
  if (!Object.prototype.hasOwnProperty.call(files, name)) {
    const e = new Error("ENOENT: no such file in the browser bundle's embedded fixtures: '" + p + "' (embedded: testkit/fixtures/ops/*.json)");
    e.code = 'ENOENT';
    throw e;
  }
  return files[name];
}
function decode(text, enc) {
  return enc ? text : new TextEncoder().encode(text);
}
exports.readFileSync = (p, opts) => decode(lookup(p), typeof opts === 'string' ? opts : opts && opts.encoding);
exports.existsSync = (p) => Object.prototype.hasOwnProperty.call(files, base(p));
exports.readFile = (p, opts, cb) => {
  const done = typeof opts === 'function' ? opts : cb;
  try { done(null, exports.readFileSync(p, typeof opts === 'function' ? undefined : opts)); } catch (e) { done(e); }
};
exports.promises = { readFile: async (p, opts) => exports.readFileSync(p, opts) };
`;
}

const URL_SHIM = `
exports.fileURLToPath = (u) => decodeURIComponent(new URL(String(u)).pathname);
exports.pathToFileURL = (p) => new URL('file://' + p);
exports.URL = URL;
exports.URLSearchParams = URLSearchParams;
`;

const throwingShim = (name: string) => `
module.exports = new Proxy({}, {
  get(_t, key) {
    if (key === '__esModule' || typeof key === 'symbol') return undefined;
    return () => { throw new Error(${JSON.stringify(name)} + '.' + String(key) + ' is not available in the browser'); };
  },
});
`;

const shims: Plugin = {
  name: 'llmkit-browser-shims',
  setup(b) {
    b.onResolve({ filter: /^vitest$/ }, () => ({ path: join(HERE, 'vitest-shim.ts') }));
    // `node:` specifiers, and bare 'fs' (tsup writes `import('node:fs')` as `import("fs")`, e.g. in
    // backend-webgpu's dist); other bare names ('crypto', 'util') are left to the packages' `browser`
    // fields (seedrandom's and tfjs's map them to empty modules).
    b.onResolve({ filter: /^(node:|fs$|fs\/promises$)/ }, (args) => ({ path: args.path.replace(/^node:/, ''), namespace: 'node-shim' }));
    b.onLoad({ filter: /.*/, namespace: 'node-shim' }, (args) => {
      if (args.path === 'fs' || args.path === 'fs/promises') {
        const contents = args.path === 'fs' ? fsShim() : `${fsShim()}\nexports.readFile = exports.promises.readFile;`;
        return { contents, loader: 'js' };
      }
      if (args.path === 'url') return { contents: URL_SHIM, loader: 'js' };
      return { contents: throwingShim(`node:${args.path}`), loader: 'js' };
    });
  },
};

/** Bundles entry.ts into `outDir/entry.js` (ESM) and writes `outDir/index.html`; returns the bundle's size. */
export async function buildBrowserBundle(outDir: string): Promise<{ bytes: number; warnings: string[] }> {
  const result = await build({
    entryPoints: [join(HERE, 'entry.ts')],
    outfile: join(outDir, 'entry.js'),
    absWorkingDir: PACKAGE_DIR,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    plugins: [shims],
    logLevel: 'silent',
    metafile: true,
    write: true,
  });
  const html =
    '<!doctype html><html><head><meta charset="utf-8"><title>llmkit webgpu conformance</title></head>' +
    '<body><script type="module" src="./entry.js"></script></body></html>';
  writeFileSync(join(outDir, 'index.html'), html);
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  return { bytes, warnings: result.warnings.map((w) => w.text) };
}

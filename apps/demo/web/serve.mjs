// A static file server for the browser demo (no dependency): serves the repository root, so the
// import map in index.html reaches packages/*/dist and node_modules (uPlot, tfjs), and the page works
// offline. Open the printed address.
//   npm run build && node apps/demo/web/serve.mjs [port]
import { createReadStream, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm', '.txt': 'text/plain; charset=utf-8', '.map': 'application/json', '.css': 'text/css' };

// tfjs-backend-cpu's ESM bundle imports `seedrandom` (CommonJS, no ESM build) for one kernel's
// `seedrandom.alea`; this path serves seedrandom's own alea.js wrapped as an ES module.
const SEEDRANDOM = '/apps/demo/web/vendor/seedrandom.js';
const seedrandomModule = () =>
  `const module = { exports: {} };\n${readFileSync(join(root, 'node_modules/seedrandom/lib/alea.js'), 'utf8')}\nexport const alea = module.exports;\nexport default { alea };\n`;

/** Serves the repository root on 127.0.0.1 (a secure context, as WebGPU needs); port 0 picks a free one. */
export function serve(port = 8080) {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (path === SEEDRANDOM) {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(seedrandomModule());
      return;
    }
    const file = join(root, path.endsWith('/') ? `${path}index.html` : path);
    const info = file.startsWith(root) ? await stat(file).catch(() => null) : null;
    if (!info?.isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address();
      done({ url: `http://127.0.0.1:${bound}/apps/demo/web/`, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { url } = await serve(Number(process.argv[2] ?? 8080));
  console.log(`llmkit browser demo: ${url}`);
}

#!/usr/bin/env node
// Publishes every public @llmkit package to a throwaway local registry (verdaccio on 127.0.0.1, no
// uplinks) after `changeset version`, then installs each project under examples/ into a fresh folder
// outside the repository, as a user would, and runs it. Never writes to the working tree.
//   node scripts/publish-local.mjs [example ...]     (default: every examples/*/ with a package.json)
// Needs the packages built (dist/). Env: LLMKIT_VERDACCIO_DIR (where verdaccio is installed and
// reused; default <tmp>/llmkit-verdaccio-6.8.0), LLMKIT_KEEP_PUBLISH_DIR=1 keeps the temp folder.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const VERDACCIO_VERSION = '6.8.0';
const root = fileURLToPath(new URL('..', import.meta.url));
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const log = (msg) => console.log(`[publish-local ${elapsed()}] ${msg}`);
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const writeJson = (path, value) => writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);

/** Runs a command to completion (bounded), streaming its output; throws with its tail on failure. */
function run(cmd, args, { cwd, env, timeoutS = 300 } = {}) {
  const r = spawnSync(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', timeout: timeoutS * 1000, maxBuffer: 64 << 20 });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) {
    const why = r.error ? r.error.message : r.signal ? `killed by ${r.signal} (limit ${timeoutS} s)` : `exit ${r.status}`;
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed: ${why}\n${out.slice(-4000)}`);
  }
  return out;
}

/** `run` without blocking the event loop, for commands that may run side by side. */
function runAsync(cmd, args, { cwd, timeoutS = 300 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutS * 1000 });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed: ${signal ? `killed by ${signal} (limit ${timeoutS} s)` : `exit ${code}`}\n${out.slice(-4000)}`));
    });
  });
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });

/** verdaccio 6.8.0 in its own folder; 6.10 needs Node 22, and 6.8.0 runs on Node 20 with node-fetch pinned to 2.7.0. */
function installVerdaccio() {
  const dir = process.env.LLMKIT_VERDACCIO_DIR ?? join(tmpdir(), `llmkit-verdaccio-${VERDACCIO_VERSION}`);
  const bin = join(dir, 'node_modules/verdaccio/bin/verdaccio');
  if (existsSync(bin) && readJson(join(dir, 'node_modules/verdaccio/package.json')).version === VERDACCIO_VERSION) return bin;
  mkdirSync(dir, { recursive: true });
  writeJson(join(dir, 'package.json'), {
    name: 'llmkit-local-registry',
    private: true,
    dependencies: { verdaccio: VERDACCIO_VERSION },
    overrides: { 'node-fetch': '2.7.0' },
  });
  log(`installing verdaccio ${VERDACCIO_VERSION} into ${dir}`);
  run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--fetch-retries=5'], { cwd: dir, timeoutS: 400 });
  return bin;
}

/** The public packages, copied (without node_modules) with the root manifest and .changeset/ into `work`. */
function copyRepository(work) {
  const names = [];
  for (const dir of readdirSync(join(root, 'packages'))) {
    const src = join(root, 'packages', dir);
    if (!existsSync(join(src, 'package.json')) || readJson(join(src, 'package.json')).private) continue;
    if (!existsSync(join(src, 'dist/index.js'))) throw new Error(`packages/${dir}/dist/index.js is missing: build first (npx turbo run build)`);
    cpSync(src, join(work, 'packages', dir), { recursive: true, filter: (p) => !/(^|\/)(node_modules|\.turbo)$/.test(p) });
    names.push(dir);
  }
  cpSync(join(root, '.changeset'), join(work, '.changeset'), { recursive: true });
  // changesets finds an npm workspace by its lockfile; without it, no package is "in the workspace".
  cpSync(join(root, 'package-lock.json'), join(work, 'package-lock.json'));
  // apps/* are private and not copied; only the published packages are workspaces here.
  writeJson(join(work, 'package.json'), { ...readJson(join(root, 'package.json')), workspaces: ['packages/*'] });
  return names;
}

/** fetch, tried again twice: a kept-alive connection the server has just closed fails once ("other side closed"). */
async function fetchRetrying(url) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url);
    } catch (e) {
      if (attempt === 3) throw e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

async function waitForRegistry(url, child, seconds) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited (${child.exitCode}) before answering`);
    try {
      if ((await fetch(`${url}-/ping`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`verdaccio did not answer ${url}-/ping within ${seconds} s`);
}

/** A user on the local registry (htpasswd), so that `npm publish` has a real token. */
async function addUser(url) {
  const name = 'llmkit-ci';
  const res = await fetch(`${url}-/user/org.couchdb.user:${name}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ _id: `org.couchdb.user:${name}`, name, password: 'local-only-password', type: 'user', roles: [] }),
  });
  const body = await res.json();
  if (!res.ok || !body.token) throw new Error(`adding a user to the local registry failed: ${res.status} ${JSON.stringify(body)}`);
  return body.token;
}

function stopRegistry(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function main() {
  const exampleRoot = join(root, 'examples');
  const wanted = process.argv.slice(2);
  const examples = (wanted.length ? wanted : readdirSync(exampleRoot).filter((d) => existsSync(join(exampleRoot, d, 'package.json')))).sort();
  for (const e of examples) if (!existsSync(join(exampleRoot, e, 'package.json'))) throw new Error(`examples/${e}/package.json does not exist`);

  const work = mkdtempSync(join(tmpdir(), 'llmkit-publish-'));
  if (!relative(root, work).startsWith('..')) throw new Error(`temp folder ${work} is inside the repository`);
  let registry;
  let registryLog = '';
  const cleanup = () => registry?.exitCode === null && registry.kill('SIGKILL');
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));
  try {
    const verdaccio = installVerdaccio();
    const names = copyRepository(work);
    log(`copied ${names.length} public packages to ${work}`);

    // The CLI's entry module, not its bin.js: bin.js calls module.enableCompileCache(), which Node 20 lacks.
    run(process.execPath, [join(root, 'node_modules/@changesets/cli/dist/index.mjs'), 'version'], { cwd: work, timeoutS: 120 });
    const versions = Object.fromEntries(names.map((d) => [`@llmkit/${d}`, readJson(join(work, 'packages', d, 'package.json')).version]));
    log(`changeset version: ${Object.entries(versions).map(([n, v]) => `${n}@${v}`).join(', ')}`);

    const port = await freePort();
    const url = `http://127.0.0.1:${port}/`;
    const configPath = join(work, 'verdaccio.yaml');
    writeFileSync(
      configPath,
      [
        `storage: ${join(work, 'storage')}`,
        'auth:',
        `  htpasswd: { file: ${join(work, 'htpasswd')}, max_users: 10 }`,
        'uplinks: {}',
        'packages:',
        "  '**': { access: $all, publish: $authenticated }",
        'web: { enable: false }',
        'log: { type: stdout, format: pretty, level: warn }',
        '',
      ].join('\n'),
    );
    registry = spawn(process.execPath, [verdaccio, '--config', configPath, '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    registryLog = '';
    const keep = (d) => (registryLog = (registryLog + d).slice(-4000));
    registry.stdout.on('data', keep);
    registry.stderr.on('data', keep);
    try {
      await waitForRegistry(url, registry, 60);
    } catch (e) {
      throw new Error(`${e.message}\n${registryLog}`);
    }
    log(`verdaccio ${VERDACCIO_VERSION} on ${url} (no uplinks)`);

    const token = await addUser(url);
    const publishRc = join(work, 'publish.npmrc');
    writeFileSync(publishRc, `registry=${url}\n//127.0.0.1:${port}/:_authToken=${token}\n`);
    // In parallel: each `npm publish` spends most of its few seconds starting npm.
    await Promise.all(
      names.map((d) => runAsync('npm', ['publish', '--ignore-scripts', '--access', 'public', '--userconfig', publishRc, '--registry', url], { cwd: join(work, 'packages', d), timeoutS: 180 })),
    );
    log(`published ${names.length} packages`);

    for (const name of examples) {
      const dir = join(work, 'examples', name);
      cpSync(join(exampleRoot, name), dir, { recursive: true, filter: (p) => !/(^|\/)(node_modules|out)$/.test(p) });
      // A user gets the versions just published; the repository's ranges may predate `changeset version`.
      const manifest = readJson(join(dir, 'package.json'));
      for (const field of ['dependencies', 'devDependencies']) {
        for (const dep of Object.keys(manifest[field] ?? {})) {
          if (!dep.startsWith('@llmkit/')) continue;
          if (!versions[dep]) throw new Error(`examples/${name} depends on ${dep}, which is not a public package`);
          manifest[field][dep] = versions[dep];
        }
      }
      writeJson(join(dir, 'package.json'), manifest);
      // @llmkit/* from the local registry only; everything else from the normal registry.
      writeFileSync(join(dir, '.npmrc'), `@llmkit:registry=${url}\n`);
      run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--fetch-retries=5'], { cwd: dir, timeoutS: 400 });
      // npm leaves `resolved` out of the lockfile here, so compare integrities: every @llmkit package
      // installed must be the tarball this run published, not one from any other registry.
      const lock = readJson(join(dir, 'package-lock.json')).packages;
      const installed = Object.entries(lock).filter(([path]) => /(^|\/)node_modules\/@llmkit\/[^/]+$/.test(path));
      for (const [path, entry] of installed) {
        const dep = path.slice(path.lastIndexOf('@llmkit/'));
        const packument = await fetchRetrying(`${url}${dep.replace('/', '%2f')}`).catch((e) => {
          throw new Error(`GET ${url}${dep}: ${e.cause?.message ?? e.message} (verdaccio ${registry.exitCode === null ? 'running' : `exited ${registry.exitCode}`})\n${registryLog}`);
        });
        const published = (await packument.json()).versions?.[entry.version]?.dist?.integrity;
        if (!published || published !== entry.integrity) throw new Error(`examples/${name}: ${path}@${entry.version} is not the tarball published to ${url}`);
      }
      if (installed.length === 0) throw new Error(`examples/${name}: no @llmkit package installed`);
      log(`examples/${name}: installed from ${url} (${installed.map(([p, e]) => `${p.slice(p.lastIndexOf('@llmkit/'))}@${e.version}`).join(', ')})`);
      const out = run('npm', ['test', '--silent'], { cwd: dir, timeoutS: 300 });
      process.stdout.write(`${out.trimEnd().replace(/^/gm, `  ${name} | `)}\n`);
      log(`examples/${name}: ran`);
      // CommonJS users: require(esm) of the installed copies (Node >= 20.19), each in a fresh process.
      for (const dep of Object.keys(manifest.dependencies).filter((d) => d.startsWith('@llmkit/'))) {
        const cjs = run(process.execPath, ['-e', `console.log(Object.keys(require('${dep}')).length)`], { cwd: dir, timeoutS: 60 });
        if (!(Number(cjs.trim().split('\n').pop()) > 0)) throw new Error(`require('${dep}') in examples/${name} exported nothing:\n${cjs}`);
      }
      log(`examples/${name}: require() works for ${Object.keys(manifest.dependencies).filter((d) => d.startsWith('@llmkit/')).join(', ')}`);
    }
    log(`done: ${names.length} packages published, ${examples.length} examples installed and run`);
  } finally {
    await stopRegistry(registry);
    if (registry) log('verdaccio stopped');
    if (process.env.LLMKIT_KEEP_PUBLISH_DIR === '1') log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`[publish-local ${elapsed()}] failed: ${e.message}`);
  process.exitCode = 1;
});

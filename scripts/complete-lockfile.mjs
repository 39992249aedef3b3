// `node scripts/complete-lockfile.mjs` after any `npm install` that changes package-lock.json.
// Adds lockfile entries for optional platform packages that this environment's registry does not
// serve (other OS/CPU builds of rollup and turbo), so `npm ci` sees a complete lock; on this
// platform npm skips them by os/cpu and never fetches them.
import { readFileSync, writeFileSync } from 'node:fs';
const path = process.argv[2] ?? 'package-lock.json';
const lock = JSON.parse(readFileSync(path, 'utf8'));
const pkgs = lock.packages;
const osOf = (n) => (/android/.test(n) ? 'android' : /darwin/.test(n) ? 'darwin' : /freebsd/.test(n) ? 'freebsd' : /openbsd/.test(n) ? 'openbsd' : /openharmony/.test(n) ? 'openharmony' : /win32|windows/.test(n) ? 'win32' : /linux/.test(n) ? 'linux' : null);
const cpuOf = (n) => (/arm64|aarch64/.test(n) ? 'arm64' : /arm-|armv7|arm$/.test(n) ? 'arm' : /ia32/.test(n) ? 'ia32' : /x64|-64$/.test(n) ? 'x64' : /loong64/.test(n) ? 'loong64' : /ppc64/.test(n) ? 'ppc64' : /riscv64/.test(n) ? 'riscv64' : /s390x/.test(n) ? 's390x' : null);
let added = 0;
for (const [key, entry] of Object.entries(pkgs)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const at = `node_modules/${dep}`;
    if (pkgs[at] || !/^\d/.test(version)) continue;
    const os = osOf(dep), cpu = cpuOf(dep);
    if (!os || !cpu) continue;
    const libc = /musl/.test(dep) ? ['musl'] : /gnu/.test(dep) && os === 'linux' ? ['glibc'] : undefined;
    pkgs[at] = { version, dev: entry.dev || undefined, optional: true, os: [os], cpu: [cpu], ...(libc ? { libc } : {}) };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(pkgs).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(path, JSON.stringify(lock, null, 2) + '\n');
console.log(`added ${added} platform entries`);

// An in-memory stand-in for the part of `node:fs/promises` that llmkit's checkpoint code uses, so that
// the page saves and resumes through @llmkit/trainer's own Trainer.save / Trainer.resume (the import
// map points `node:fs/promises` here): the checkpoint folder is then the one Node writes, byte for byte.
// `checkpoint-files.js` moves a folder of it to and from OPFS, IndexedDB and downloaded files.

/** path -> { dir: true } | { bytes: Uint8Array } */
const nodes = new Map([['/', { dir: true }]]);

function fsError(code, op, path) {
  const error = new Error(`${code}: ${op} '${path}'`);
  error.code = code;
  return error;
}

/** An absolute, normalized path ('a/./b/../c' -> '/a/c'). */
export function normalize(path) {
  if (typeof path !== 'string') throw new TypeError(`memory-fs: expected a path string, got ${typeof path}`);
  const parts = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

const parentOf = (path) => normalize(`${path}/..`);

function parentDir(op, path) {
  const parent = nodes.get(parentOf(path));
  if (!parent) throw fsError('ENOENT', op, path);
  if (!parent.dir) throw fsError('ENOTDIR', op, path);
}

function file(op, path) {
  const node = nodes.get(normalize(path));
  if (!node) throw fsError('ENOENT', op, path);
  if (node.dir) throw fsError('EISDIR', op, path);
  return node;
}

const toBytes = (data) => (typeof data === 'string' ? new TextEncoder().encode(data) : new Uint8Array(data.buffer ? data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) : data));

/** Paths at and below `path`, the deepest first. */
function subtree(path) {
  return [...nodes.keys()].filter((p) => p === path || p.startsWith(`${path === '/' ? '' : path}/`)).sort((a, b) => b.length - a.length);
}

export async function mkdir(path, { recursive = false } = {}) {
  const p = normalize(path);
  const node = nodes.get(p);
  if (node) {
    if (recursive && node.dir) return undefined;
    throw fsError('EEXIST', 'mkdir', path);
  }
  if (recursive && !nodes.has(parentOf(p))) await mkdir(parentOf(p), { recursive: true });
  parentDir('mkdir', p);
  nodes.set(p, { dir: true });
  return undefined;
}

export async function writeFile(path, data) {
  const p = normalize(path);
  parentDir('open', p);
  if (nodes.get(p)?.dir) throw fsError('EISDIR', 'open', path);
  nodes.set(p, { bytes: toBytes(data) });
}

export async function readFile(path, options) {
  const { bytes } = file('open', path);
  const encoding = typeof options === 'string' ? options : options?.encoding;
  return encoding ? new TextDecoder().decode(bytes) : bytes.slice();
}

export async function stat(path) {
  const node = nodes.get(normalize(path));
  if (!node) throw fsError('ENOENT', 'stat', path);
  return { size: node.dir ? 0 : node.bytes.length, isFile: () => !node.dir, isDirectory: () => Boolean(node.dir) };
}

export async function readdir(path) {
  const p = normalize(path);
  const node = nodes.get(p);
  if (!node) throw fsError('ENOENT', 'scandir', path);
  if (!node.dir) throw fsError('ENOTDIR', 'scandir', path);
  return [...nodes.keys()].filter((q) => q !== p && parentOf(q) === p).map((q) => q.slice(q.lastIndexOf('/') + 1)).sort();
}

/** Node's rename: a file replaces a file; a folder moves only onto nothing or an empty folder. */
export async function rename(from, to) {
  const a = normalize(from);
  const b = normalize(to);
  if (!nodes.has(a)) throw fsError('ENOENT', 'rename', from);
  parentDir('rename', b);
  const target = nodes.get(b);
  if (target?.dir && (await readdir(b)).length > 0) throw fsError('ENOTEMPTY', 'rename', to);
  if (target?.dir && !nodes.get(a).dir) throw fsError('EISDIR', 'rename', to);
  if (a === b) return;
  if (target) nodes.delete(b);
  for (const p of subtree(a).reverse()) {
    nodes.set(b + p.slice(a.length), nodes.get(p));
    nodes.delete(p);
  }
}

export async function rm(path, { recursive = false, force = false } = {}) {
  const p = normalize(path);
  const node = nodes.get(p);
  if (!node) {
    if (force) return;
    throw fsError('ENOENT', 'rm', path);
  }
  if (node.dir && !recursive) throw fsError('EISDIR', 'rm', path);
  for (const q of subtree(p)) nodes.delete(q);
}

/** A file handle with what the checkpoint writers call: writeFile, sync (nothing to flush here), close. */
export async function open(path, flags = 'r') {
  const p = normalize(path);
  if (flags === 'r') {
    if (!nodes.has(p)) throw fsError('ENOENT', 'open', path);
  } else {
    if (flags === 'wx' && nodes.has(p)) throw fsError('EEXIST', 'open', path);
    await writeFile(p, new Uint8Array(0));
  }
  return {
    writeFile: (data) => writeFile(p, data),
    readFile: (options) => readFile(p, options),
    sync: async () => undefined,
    close: async () => undefined,
  };
}

/** Every file below `dir` as [path relative to dir, bytes], sorted by path. */
export function filesUnder(dir) {
  const root = normalize(dir);
  return [...nodes.entries()]
    .filter(([p, node]) => !node.dir && p.startsWith(`${root}/`))
    .map(([p, node]) => [p.slice(root.length + 1), node.bytes])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export default { mkdir, writeFile, readFile, stat, readdir, rename, rm, open };

// The part of `node:path` that llmkit's checkpoint code uses (join, dirname, basename), for the page:
// the import map points `node:path` here, beside `memory-fs.js` for `node:fs/promises`. POSIX only.

function normalizeParts(path) {
  const parts = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else if (part !== '..' || !path.startsWith('/')) parts.push(part);
  }
  return parts;
}

export const sep = '/';

export function normalize(path) {
  const absolute = path.startsWith('/');
  const joined = normalizeParts(path).join('/');
  return absolute ? `/${joined}` : joined || '.';
}

export function join(...parts) {
  return normalize(parts.filter((p) => p !== '').join('/'));
}

export function dirname(path) {
  const p = normalize(path);
  const cut = p.lastIndexOf('/');
  if (cut < 0) return '.';
  return cut === 0 ? '/' : p.slice(0, cut);
}

export function basename(path) {
  const p = normalize(path);
  return p.slice(p.lastIndexOf('/') + 1);
}

export default { sep, normalize, join, dirname, basename };

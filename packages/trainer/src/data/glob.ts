// File lists and globs over node:fs: `*` and `?` within one path segment, `**` across segments.
// Small on purpose: no braces, classes or negation, and the result is sorted so a corpus has one order.
import { DataError } from './errors.js';

const MAGIC = /[*?]/;

/** True when `pattern` holds a glob character (`*` or `?`). */
export function isGlob(pattern: string): boolean {
  return MAGIC.test(pattern);
}

/**
 * A RegExp matching whole `/`-separated paths: `*` is any run of characters but `/`, `?` one such
 * character, and a `**` segment any number of segments (zero included). Everything else is literal.
 */
export function globToRegExp(pattern: string): RegExp {
  const segments = pattern.split('/');
  let source = '';
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === '**') {
      // `a/**/b` matches a/b, a/x/b, a/x/y/b; a trailing `**` matches everything below.
      source += last ? '.*' : '(?:[^/]*/)*';
      return;
    }
    for (const ch of segment) {
      if (ch === '*') source += '[^/]*';
      else if (ch === '?') source += '[^/]';
      else source += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    if (!last) source += '/';
  });
  return new RegExp(`^${source}$`);
}

/**
 * The files that `patterns` name, each pattern's matches sorted and duplicates dropped, in pattern
 * order. A plain path must exist; a glob must match at least one file.
 *
 * ```ts
 * await expandFiles(['data/train-*.jsonl', 'extra/**\/*.txt']);
 * ```
 * @throws DataError naming the pattern that matched nothing.
 */
export async function expandFiles(patterns: string | readonly string[]): Promise<string[]> {
  const { stat } = await import('node:fs/promises');
  const list = typeof patterns === 'string' ? [patterns] : patterns;
  const seen = new Set<string>();
  const out: string[] = [];
  for (const pattern of list) {
    let matches: string[];
    if (!isGlob(pattern)) {
      const info = await stat(pattern).catch(() => null);
      if (!info?.isFile()) throw new DataError(`expandFiles: '${pattern}' is not a file`);
      matches = [pattern];
    } else {
      matches = await globFiles(pattern);
      if (matches.length === 0) throw new DataError(`expandFiles: no file matches '${pattern}'`);
    }
    for (const m of matches) {
      if (!seen.has(m)) {
        seen.add(m);
        out.push(m);
      }
    }
  }
  return out;
}

/** Files matching one glob, sorted by code unit. Directories are walked below the pattern's literal prefix only. */
async function globFiles(pattern: string): Promise<string[]> {
  const { readdir } = await import('node:fs/promises');
  const segments = pattern.split('/');
  const firstMagic = segments.findIndex((s) => isGlob(s));
  const base = segments.slice(0, firstMagic).join('/');
  const regex = globToRegExp(pattern);
  const deep = segments.slice(firstMagic).includes('**');
  const depth = segments.length - firstMagic;
  const out: string[] = [];
  const walk = async (dir: string, level: number): Promise<void> => {
    const entries = await readdir(dir === '' ? '.' : dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const path = dir === '' ? entry.name : dir.endsWith('/') ? `${dir}${entry.name}` : `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (deep || level + 1 < depth) await walk(path, level + 1);
      } else if (entry.isFile() && regex.test(path)) {
        out.push(path);
      }
    }
  };
  // An absolute pattern ('/data/*.txt') has an empty first segment: its base is '/'.
  await walk(base === '' && pattern.startsWith('/') ? '/' : base, 0);
  return out.sort();
}

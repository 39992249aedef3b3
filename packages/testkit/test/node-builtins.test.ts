// One copy of `isNode`/`importBuiltin` (issue 11): @llmkit/core's runtime/node-builtins.ts, which
// every package imports. The tokenizer is exempt: it stands alone, without @llmkit/core.
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const HOME = 'packages/core/src/runtime/node-builtins.ts';
const EXEMPT = ['packages/tokenizer/'];
/** A definition (not a use or an import) of either helper. */
const DEFINITION = /\b(function\s+(importBuiltin|isNode)\b|(const|let|var)\s+(importBuiltin|isNode)\s*=)/;

function sources(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : sources(path);
    return /\.(ts|mts|js|mjs)$/.test(e.name) ? [path] : [];
  });
}

describe('Node helpers', () => {
  it('isNode and importBuiltin are defined once, in @llmkit/core, and nowhere else outside the tokenizer', () => {
    const files = ['packages', 'apps'].flatMap((top) =>
      existsSync(join(root, top)) ? readdirSync(join(root, top)).flatMap((pkg) => sources(join(root, top, pkg, 'src'))) : [],
    );
    const definitions = files
      .map((path) => relative(root, path).split('\\').join('/'))
      .filter((rel) => !EXEMPT.some((prefix) => rel.startsWith(prefix)))
      .flatMap((rel) =>
        readFileSync(join(root, rel), 'utf8')
          .split('\n')
          .flatMap((line, i) => (DEFINITION.test(line) ? [`${rel}:${i + 1}: ${line.trim()}`] : [])),
      );
    expect(definitions.filter((d) => !d.startsWith(`${HOME}:`))).toEqual([]);
    expect(definitions.filter((d) => d.startsWith(`${HOME}:`))).toHaveLength(2);
  });
});

// The README examples convention (scripts/readme-includes.mjs): every doc's included blocks equal
// their files and every other ts/js block is marked a fragment, so a README cannot drift from code.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const script = join(root, 'scripts/readme-includes.mjs');

function runChecker(...args: string[]): { status: number | null; stdout: string } {
  const result = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout + result.stderr };
}

/** A throwaway repository: `files` maps paths relative to it to their text. */
function withRepo(files: Record<string, string>, body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'readme-includes-'));
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const example = "import { x } from 'y';\nconsole.log(x);\n";

describe('readme-includes', () => {
  it('every README and doc of this repository follows the convention', () => {
    const { status, stdout } = runChecker();
    // On failure the message lists each violation as file:line, the checker's own output.
    expect(status, `README example violations:\n${stdout}`).toBe(0);
  });

  it('reports an included block that differs from its file, with file:line, and exits 1', () => {
    const readme = ['# pkg', '', '<!-- include: examples/demo.ts -->', '```ts', "import { x } from 'y';", 'console.log(x + 1);', '```', ''].join('\n');
    withRepo({ 'packages/pkg/README.md': readme, 'packages/pkg/examples/demo.ts': example }, (dir) => {
      const { status, stdout } = runChecker('--root', dir);
      expect(status).toBe(1);
      expect(stdout).toContain('packages/pkg/README.md:4: block differs from examples/demo.ts (first difference at line 2 of the file)');
    });
  });

  it('reports an included file that does not exist', () => {
    const readme = ['<!-- include: examples/gone.ts -->', '```ts', 'x', '```', ''].join('\n');
    withRepo({ 'apps/app/README.md': readme }, (dir) => {
      const { status, stdout } = runChecker('--root', dir);
      expect(status).toBe(1);
      expect(stdout).toContain('apps/app/README.md:2: included file examples/gone.ts does not exist');
    });
  });

  it('reports an unmarked ts/js block but accepts fragments and other languages', () => {
    const readme = [
      '# root', '', '```js', 'run()', '```', '', '<!-- fragment -->', '', '```ts', 'fragment()', '```',
      '', '```sh', 'npm i x', '```', '', '```', 'plain', '```', '',
    ].join('\n');
    withRepo({ 'README.md': readme, 'node_modules/dep/README.md': '```ts\nignored()\n```\n' }, (dir) => {
      const { status, stdout } = runChecker('--root', dir);
      expect(status).toBe(1);
      const violations = stdout.split('\n').filter((l) => /^\S+\.md:\d+:/.test(l));
      expect(violations).toEqual([
        'README.md:3: ```js block is neither included from a file (<!-- include: examples/<name>.js -->) nor marked <!-- fragment -->',
      ]);
    });
  });

  it('--write rewrites included blocks from their files, after which the check passes', () => {
    const readme = [
      '# pkg', '', '<!-- include: examples/demo.ts -->', '```ts', 'stale()', '```', '',
      'between', '', '<!-- include: ../../shared/a.mjs -->', '~~~js', '~~~', '', 'end', '',
    ].join('\n');
    const nested = 'const md = `\n```ts\n`;\n';
    withRepo({ 'packages/pkg/README.md': readme, 'packages/pkg/examples/demo.ts': example, 'shared/a.mjs': nested }, (dir) => {
      expect(runChecker('--root', dir).status).toBe(1);
      const { status, stdout } = runChecker('--root', dir, '--write');
      expect(status, stdout).toBe(0);
      const written = readFileSync(join(dir, 'packages/pkg/README.md'), 'utf8');
      expect(written).toBe(
        [
          '# pkg', '', '<!-- include: examples/demo.ts -->', '```ts', "import { x } from 'y';", 'console.log(x);', '```', '',
          'between', '', '<!-- include: ../../shared/a.mjs -->', '~~~js', 'const md = `', '```ts', '`;', '~~~', '', 'end', '',
        ].join('\n'),
      );
      expect(runChecker('--root', dir).status).toBe(0);
    });
  });

  it('--write picks a longer fence when the file contains the block fence', () => {
    const readme = ['<!-- include: x.md.ts -->', '```ts', '```', ''].join('\n');
    withRepo({ 'README.md': readme, 'x.md.ts': 'const s = `\n```\n`;\n' }, (dir) => {
      expect(runChecker('--root', dir, '--write').status).toBe(0);
      expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe(['<!-- include: x.md.ts -->', '````ts', 'const s = `', '```', '`;', '````', ''].join('\n'));
    });
  });
});

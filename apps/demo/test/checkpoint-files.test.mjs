// The page's checkpoint plumbing in Node: the tar it downloads (web/tar.js) against GNU tar both
// ways, its errors, and the in-memory node:fs (web/memory-fs.js) against Node's fs on the sequence
// of calls @llmkit/trainer's atomic checkpoint writer makes.
import { execFileSync } from 'node:child_process';
import * as realFs from 'node:fs/promises';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CheckpointError } from '@llmkit/layers';
import * as memoryFs from '../web/memory-fs.js';
import * as posixPath from '../web/posix-path.js';
import { packTar, unpackTar } from '../web/tar.js';

const name = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/).filter((n) => n !== '.' && n !== '..');
const files = fc.uniqueArray(fc.tuple(fc.array(name, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/')), fc.uint8Array({ maxLength: 1500 })), {
  maxLength: 6,
  selector: ([path]) => path,
}).filter((list) => list.every(([a]) => list.every(([b]) => !b.startsWith(`${a}/`)))); // a file is never also a folder

describe('checkpoint tar (web/tar.js)', () => {
  it('unpackTar(packTar(files)) gives the files back, byte for byte (fast-check, seed 15)', () => {
    fc.assert(
      fc.property(files, (list) => {
        const back = unpackTar(packTar(list));
        const sorted = (l) => [...l].sort(([a], [b]) => (a < b ? -1 : 1)).map(([p, b]) => [p, Array.from(b)]);
        expect(sorted(back)).toEqual(sorted(list));
      }),
      { seed: 15, numRuns: 60 },
    );
  });

  it('GNU tar extracts what packTar writes, and unpackTar reads what GNU tar writes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'demo-tar-'));
    const weights = Uint8Array.from({ length: 1300 }, (_, i) => (i * 7) % 256);
    const archive = join(dir, 'a.tar');
    execFileSync('sh', ['-c', `cat > ${archive}`], { input: packTar([['latest', new TextEncoder().encode('step-000004\n')], ['step-000004/model.safetensors', weights]]) });
    execFileSync('tar', ['xf', archive, '-C', dir]);
    expect(readFileSync(join(dir, 'latest'), 'utf8')).toBe('step-000004\n');
    expect(new Uint8Array(readFileSync(join(dir, 'step-000004/model.safetensors')))).toEqual(weights);
    execFileSync('tar', ['cf', join(dir, 'b.tar'), '-C', dir, 'latest', 'step-000004']);
    const back = new Map(unpackTar(new Uint8Array(readFileSync(join(dir, 'b.tar')))));
    expect([...back.keys()].sort()).toEqual(['latest', 'step-000004/model.safetensors']);
    expect(back.get('step-000004/model.safetensors')).toEqual(weights);
  });

  it('a damaged archive is a CheckpointError naming the file, never a partial result', () => {
    const good = packTar([['step-000001/trainer.json', new TextEncoder().encode('{}')]]);
    const cut = good.slice(0, 700);
    const flipped = good.slice();
    flipped[10] ^= 1;
    expect(() => unpackTar(cut, 'x.tar')).toThrow(CheckpointError);
    expect(() => unpackTar(cut, 'x.tar')).toThrow(/^x\.tar: 'step-000001\/trainer\.json' needs 2 bytes|^x\.tar: not a tar file or cut short/);
    expect(() => unpackTar(flipped, 'x.tar')).toThrow(/^x\.tar: not a tar file \(header checksum at byte 0/);
    expect(() => unpackTar(new TextEncoder().encode('hello'), 'x.tar')).toThrow(/^x\.tar: not a tar file or cut short \(5 bytes/);
    expect(() => packTar([[`${'a'.repeat(101)}`, new Uint8Array(1)]])).toThrow(/longer than 100 bytes/);
  });
});

/** The calls @llmkit/trainer's writeCheckpointDir makes for two saves of the same step, then a resolve. */
async function checkpointSequence(fs, path, root) {
  const seen = [];
  const step = path.join(root, 'step-000002');
  for (const round of [1, 2]) {
    const tmp = `${step}.tmp-${round}`;
    await fs.mkdir(root, { recursive: true });
    await fs.mkdir(tmp);
    const handle = await fs.open(path.join(tmp, 'model.safetensors.tmp-x'), 'wx');
    await handle.writeFile(new Uint8Array([round, 2, 3]));
    await handle.sync();
    await handle.close();
    await fs.rename(path.join(tmp, 'model.safetensors.tmp-x'), path.join(tmp, 'model.safetensors'));
    await fs.writeFile(path.join(tmp, 'trainer.json'), `{"step":2,"round":${round}}`);
    if (await fs.stat(step).catch(() => undefined)) {
      seen.push(await fs.rename(tmp, step).then(() => 'renamed onto a full folder', (e) => e.code));
      await fs.rename(step, `${step}.old-${round}`);
      await fs.rename(tmp, step);
      await fs.rm(`${step}.old-${round}`, { recursive: true, force: true });
    } else {
      await fs.rename(tmp, step);
    }
    await fs.writeFile(path.join(root, 'latest.tmp'), 'step-000002\n');
    await fs.rename(path.join(root, 'latest.tmp'), path.join(root, 'latest'));
  }
  seen.push(await fs.readdir(root), await fs.readdir(step), await fs.readFile(path.join(step, 'trainer.json'), 'utf8'));
  seen.push(Array.from(await fs.readFile(path.join(step, 'model.safetensors'))), (await fs.stat(path.join(step, 'model.safetensors'))).size);
  seen.push(await fs.readFile(path.join(root, 'missing')).catch((e) => e.code), await fs.open(path.join(step, 'trainer.json'), 'wx').catch((e) => e.code));
  seen.push(await fs.rm(root).catch((e) => e.code !== undefined));
  await fs.rm(root, { recursive: true });
  seen.push(await fs.stat(root).catch((e) => e.code));
  return seen;
}

describe('in-memory node:fs (web/memory-fs.js)', () => {
  it("does what Node's fs does on the trainer's checkpoint-writing sequence", async () => {
    const real = await checkpointSequence(realFs, await import('node:path'), join(mkdtempSync(join(tmpdir(), 'demo-fs-')), 'ck'));
    const memory = await checkpointSequence(memoryFs, posixPath, '/ck');
    expect(memory).toEqual(real);
    expect(real[0]).toMatch(/^(ENOTEMPTY|EEXIST)$/);
  });

  it('posix-path joins and splits like node:path', async () => {
    const node = await import('node:path');
    for (const p of ['/a/b/../c', 'a/./b', '/checkpoints/step-000001/', '../x/y', '/']) {
      expect(posixPath.normalize(p)).toBe(node.normalize(p).replace(/\/$/, '') || '/');
      expect(posixPath.dirname(node.normalize(p))).toBe(node.dirname(node.normalize(p)));
    }
    expect(posixPath.join('/checkpoints', 'step-000001', 'config.json')).toBe('/checkpoints/step-000001/config.json');
    expect(posixPath.join('a', '..', 'b')).toBe('b');
  });
});

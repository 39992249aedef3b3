// A process killed (SIGKILL) while it writes a checkpoint leaves the previous one loadable: a child
// writes checkpoints in a loop; it is killed at varying moments inside a write, several times; after
// each kill the root's `latest` checkpoint loads (weights, optimizer state, trainer state) and the
// next run resumes from it. The child is bundled with esbuild, as it runs in plain Node.
import '@llmkit/backend-cpu';
import { spawn } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@llmkit/core';
import { GPT } from '@llmkit/layers';
import { CausalLM } from '@llmkit/objectives';
import { AdamW, Trainer, readTrainerState } from '../src/index.js';
import { bundleForNode } from './node-bundle.js';
import { tempDir } from './trainer-helpers.js';

const tmp = tempDir('kill');
let childFile = '';

beforeAll(async () => {
  await useBackend('cpu');
  childFile = await bundleForNode(fileURLToPath(new URL('./checkpoint-kill-child.ts', import.meta.url)), 'kill-child');
});
afterAll(() => {
  tmp.remove();
  rmSync(childFile, { force: true });
});

/** Runs the child until it has saved `after` checkpoints, then kills it `delayMs` after it starts the next write. */
function runAndKill(root: string, resumeFrom: string | undefined, after: number, delayMs: number): Promise<{ saved: number; killedDuring: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [childFile, root, ...(resumeFrom ? [resumeFrom] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
    let saved = 0;
    let killedDuring = -1;
    let stderr = '';
    let buffer = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        const [what, step] = line.split(' ');
        if (what === 'saved') saved += 1;
        if (what === 'saving' && saved >= after && killedDuring < 0) {
          killedDuring = Number(step);
          setTimeout(() => child.kill('SIGKILL'), delayMs);
        }
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ saved, killedDuring });
      else reject(new Error(`child exited with ${code}: ${stderr}`));
    });
  });
}

describe('a process killed during a checkpoint write', () => {
  it('leaves the previous checkpoint loadable, every time (4 kills at different moments of the write)', async () => {
    const root = join(tmp.dir, 'run');
    let resumeFrom: string | undefined;
    let lastStep = 0;
    let leftovers = 0;
    for (const delayMs of [1, 8, 20, 40]) {
      const { killedDuring } = await runAndKill(root, resumeFrom, 1, delayMs);
      leftovers += readdirSync(root).filter((f) => f.includes('.tmp-')).length;
      const { dir, state } = await readTrainerState(root);
      // The checkpoint in progress finished (state.step = killedDuring) or did not (the one before).
      expect([killedDuring - 1, killedDuring]).toContain(state.step);
      expect(state.step).toBeGreaterThan(lastStep);
      lastStep = state.step;
      // Everything in it loads: the model folder, and weights + optimizer + trainer state into a trainer.
      const model = await GPT.load(dir);
      const optimizer = new AdamW(model);
      const trainer = new Trainer({ model, objective: new CausalLM(), optimizer, log: false });
      await trainer.load(root);
      expect(trainer.stepCount).toBe(state.step);
      expect(optimizer.stepCount).toBe(state.step);
      optimizer.dispose();
      model.dispose();
      resumeFrom = root;
    }
    // At least one kill landed inside a write (its temporary folder was left behind, never named by `latest`).
    console.log(`kill test: ${leftovers} of 4 kills left a partial checkpoint folder; every time 'latest' loaded`);
    expect(leftovers).toBeGreaterThan(0);
  });
});

// The user stories of examples/ that need more than the published packages, run inside the
// repository against the workspace packages (publish-install.test.ts runs every example from a
// registry in CI): BERT pretraining + fine-tuning, and the PyTorch hand-over, which runs for real
// wherever the repository's .venv (or python3) has torch, transformers and accelerate, and skips elsewhere.
import { describe, it, expect } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs `node <args>` in examples/<name> with `--out` in a temporary folder; resolves to its exit code and output. */
function runExample(name: string, args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number | null; output: string }> {
  const out = mkdtempSync(join(tmpdir(), `llmkit-example-${name}-`));
  const childEnv: Record<string, string | undefined> = { ...process.env, ...env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete childEnv[key];
  const child = spawn(process.execPath, [...args, '--out', out], { cwd: join(root, 'examples', name), env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((resolve) =>
    child.on('close', (code) => {
      rmSync(out, { recursive: true, force: true });
      resolve({ code, output });
    }),
  );
}

// Decided here, not by the example's own search: the repository's .venv, or python3, with all three modules.
const canRun = (python: string) => spawnSync(python, ['-c', 'import torch, transformers, accelerate'], { timeout: 120_000 }).status === 0;
const venvPython = join(root, '.venv/bin/python');
const hasTorch = (existsSync(venvPython) && canRun(venvPython)) || canRun('python3');

describe('examples/bert-pretrain-finetune', () => {
  it('pretrains MLM + SOP, fine-tunes the encoder, prints accuracy/F1 next to the majority baseline, and the saved classifier scores the same', async () => {
    const { code, output } = await runExample('bert-pretrain-finetune', ['pretrain-finetune.mjs']);
    expect(code, output).toBe(0);
    const val = [...output.matchAll(/pretraining: val loss ([\d.]+) \(mlm ([\d.]+), sop ([\d.]+)\)/g)].map((m) => m.slice(1).map(Number));
    expect(val).toHaveLength(2);
    // The loss is the sum of its two parts (combine's weights are 1), printed to 4 decimals.
    for (const [loss, mlm, sop] of val) expect(Math.abs(loss! - mlm! - sop!)).toBeLessThanOrEqual(2e-4);
    // 150 held-out sentences, half of them questions: always answering one label scores 0.5 and macro F1 1/3.
    expect(output).toContain('question or statement? 150 held-out sentences (75 questions)');
    expect(output).toMatch(/majority \("statement"\)\s+accuracy 0\.500\s+F1 \(macro\) 0\.333\s+MCC 0\.000/);
    expect(output).toMatch(/fine-tuned BERT\s+accuracy [01]\.\d{3}\s+F1 \(macro\) [01]\.\d{3}\s+MCC -?[01]\.\d{3}/);
    expect(output).toContain('reloaded, same scores: true');
  }, 180_000);
});

describe('examples/pytorch-handover', () => {
  it.runIf(hasTorch)('with the .venv: llmkit -> transformers under accelerate -> llmkit, both hand-overs within 1e-5 on the probe batch', async () => {
    const { code, output } = await runExample('pytorch-handover', ['handover.mjs', '--steps', '4'], { LLMKIT_PYTHON: undefined });
    console.log(output.split('\n').filter((l) => /hand-over|probe loss:|pytorch-handover/.test(l)).join('\n'));
    expect(code, output).toBe(0);
    expect(output).toContain('tokenizer.json: the same');
    expect(output).toContain("tokenizer.json saved by transformers gives llmkit's ids: true");
    for (const n of [1, 2]) {
      const m = new RegExp(`hand-over ${n}, \\S+ -> \\S+: probe loss ([\\d.]+) -> ([\\d.]+)`).exec(output);
      expect(m, `hand-over ${n} line`).not.toBeNull();
      expect(Math.abs(Number(m![1]) - Number(m![2]))).toBeLessThanOrEqual(1e-5);
    }
    expect(output).toContain('pytorch-handover: passed');
  }, 600_000);

  it.skipIf(hasTorch)('without a Python that has torch: says why in one line and exits 0', async () => {
    const { code, output } = await runExample('pytorch-handover', ['handover.mjs', '--steps', '4'], { LLMKIT_PYTHON: undefined });
    expect(code, output).toBe(0);
    expect(output.trim().split('\n')).toHaveLength(1);
    expect(output).toMatch(/^pytorch-handover: skipped: no Python with torch, transformers, accelerate \(.+\); set LLMKIT_PYTHON to one\n$/);
  }, 120_000);

  it('an LLMKIT_PYTHON that cannot run the script is an error in one line (exit 1), not a skip', async () => {
    const missing = join(tmpdir(), 'no-such-python');
    const { code, output } = await runExample('pytorch-handover', ['handover.mjs'], { LLMKIT_PYTHON: missing });
    expect(code).toBe(1);
    expect(output).toBe(`pytorch-handover: LLMKIT_PYTHON=${missing} does not run; it needs torch, transformers, accelerate\n`);
  }, 120_000);
});

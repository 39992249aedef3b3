// The JSONL metrics log: one JSON object per line for every step and every evaluation, appended, so a
// resumed run continues the same file. Node only (fs is imported lazily).
import type { Callback, CheckpointInfo, EvalMetrics, StepMetrics } from '../callbacks/callback.js';
import { importBuiltin } from '../node.js';

/**
 * ```ts
 * new Trainer({ ..., log: { file: 'out/metrics.jsonl' } });   // or callbacks: [new MetricsLog('out/metrics.jsonl')]
 * // {"type":"step","step":1,"loss":4.17,"lr":0.0001,"gradNorm":1.9,"tokens":768,"seconds":0.21,"time":"2026-..."}
 * ```
 */
export class MetricsLog implements Callback {
  readonly name = 'metrics-log';
  private pending: string[] = [];

  /** @param every write a step line every `every` steps (evaluations and checkpoints always). */
  constructor(
    readonly path: string,
    readonly every = 1,
  ) {}

  private async write(record: Record<string, unknown>): Promise<void> {
    this.pending.push(JSON.stringify({ ...record, time: new Date().toISOString() }));
    const fs = await importBuiltin<typeof import('node:fs/promises')>('node:fs/promises');
    const { dirname } = await importBuiltin<typeof import('node:path')>('node:path');
    const lines = this.pending.join('\n') + '\n';
    this.pending = [];
    await fs.mkdir(dirname(this.path), { recursive: true });
    await fs.appendFile(this.path, lines);
  }

  async onStep(metrics: StepMetrics): Promise<void> {
    if (metrics.step % this.every === 0) await this.write({ type: 'step', ...metrics });
  }

  async onEval(metrics: EvalMetrics): Promise<void> {
    await this.write({ type: 'eval', ...metrics });
  }

  async onCheckpoint(info: CheckpointInfo): Promise<void> {
    await this.write({ type: 'checkpoint', ...info });
  }
}

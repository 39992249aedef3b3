// The terminal progress bar (cli-progress): step, loss, learning rate, tokens/s and ETA on one line.
// Only on a TTY: piped output and CI logs get the JSONL log instead. cli-progress is loaded lazily,
// so browser bundles never see it.
import type { Callback, EvalMetrics, StepMetrics, TrainInfo } from '../callbacks/callback.js';
import { importBuiltin, isNode } from '../node.js';

type Bar = import('cli-progress').SingleBar;

/** True when stdout is an interactive terminal (Node only). */
export function stdoutIsTTY(): boolean {
  if (!isNode()) return false;
  return Boolean((globalThis as { process?: { stdout?: { isTTY?: boolean } } }).process?.stdout?.isTTY);
}

/**
 * ```ts
 * new Trainer({ ..., log: { progress: 'auto' } });   // the default: a bar when stdout is a TTY
 * // step 120/2000 [=====>---------] 6% | loss 2.512 | lr 9.9e-4 | 8.1k tok/s | val 2.60 | ETA 4m02s
 * ```
 */
export class ProgressBar implements Callback {
  readonly name = 'progress-bar';
  private bar: Bar | undefined;
  private tokens = 0;
  private seconds = 0;
  private val = '';

  async onTrainBegin(info: TrainInfo): Promise<void> {
    const mod = await importBuiltin<{ default?: typeof import('cli-progress') } & typeof import('cli-progress')>('cli-progress');
    const { SingleBar, Presets } = mod.default ?? mod;
    const total = Number.isFinite(info.maxSteps) ? info.maxSteps : info.startStep + 1;
    this.bar = new SingleBar(
      {
        format: 'step {value}/{total} [{bar}] {percentage}% | loss {loss} | lr {lr} | {speed} tok/s{val} | ETA {eta_formatted}',
        hideCursor: true,
        etaBuffer: 50,
        stream: (globalThis as unknown as { process: { stdout: NodeJS.WritableStream } }).process.stdout,
      },
      Presets.shades_classic,
    );
    this.bar.start(total, info.startStep, { loss: '-', lr: '-', speed: '-', val: '' });
  }

  onStep(m: StepMetrics): void {
    // tokens/s over the last few dozen steps, not since the start (the first steps warm kernels up).
    this.tokens = this.tokens * 0.9 + m.tokens;
    this.seconds = this.seconds * 0.9 + m.seconds;
    const speed = this.seconds > 0 ? this.tokens / this.seconds : 0;
    this.bar?.update(m.step, {
      loss: m.loss.toFixed(4),
      lr: m.lr.toExponential(2),
      speed: speed >= 1000 ? `${(speed / 1000).toFixed(1)}k` : speed.toFixed(0),
      val: this.val,
    });
  }

  onEval(m: EvalMetrics): void {
    this.val = ` | val ${m.loss.toFixed(4)}`;
  }

  onTrainEnd(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}

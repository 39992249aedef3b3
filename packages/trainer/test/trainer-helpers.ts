// Shared pieces of the trainer tests: a tiny GPT, a resumable in-memory data source of token rows,
// and a temporary folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@llmkit/core';
import { GPT, type GPTConfig } from '@llmkit/layers';
import type { TokenBatch } from '@llmkit/objectives';

export const VOCAB = 32;

/** A GPT small enough for dozens of steps per second on cpu (1 layer, width 16). */
export function tinyGPT(config: GPTConfig = {}): GPT {
  return new GPT({ vocabSize: VOCAB, nPositions: 16, nEmbd: 16, nLayer: 1, nHead: 2, residPdrop: 0, embdPdrop: 0, attnPdrop: 0, seed: 3, ...config });
}

/**
 * Batch i is drawn from `Rng(seed).fork(i)` (a noisy "next = prev + 1" stream, so the loss can fall),
 * so any position is reproducible; `getState()` is the index of the next batch. Finite with `count`.
 */
export class SeededRows implements AsyncIterable<TokenBatch> {
  position = 0;
  constructor(
    readonly seed: number,
    readonly batchSize = 4,
    readonly length = 12,
    readonly count = Infinity,
    readonly padded = false,
  ) {}

  batch(i: number): TokenBatch {
    const rng = new Rng(this.seed).fork(i);
    const n = this.batchSize * this.length;
    const inputIds = new Int32Array(n);
    const attentionMask = new Int32Array(n).fill(1);
    for (let r = 0; r < this.batchSize; r++) {
      let tok = rng.nextInt(VOCAB);
      // Padded batches: rows of different lengths (right padding with id 0).
      const len = this.padded ? 2 + rng.nextInt(this.length - 1) : this.length;
      for (let t = 0; t < this.length; t++) {
        const k = r * this.length + t;
        if (t >= len) {
          attentionMask[k] = 0;
          continue;
        }
        inputIds[k] = tok;
        tok = rng.nextFloat() < 0.8 ? (tok + 1) % VOCAB : rng.nextInt(VOCAB);
      }
    }
    return { batchSize: this.batchSize, length: this.length, inputIds, ...(this.padded ? { attentionMask } : {}) };
  }

  getState(): unknown {
    return { position: this.position };
  }

  setState(state: unknown): void {
    this.position = (state as { position: number }).position;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<TokenBatch> {
    while (this.position < this.count) {
      const b = this.batch(this.position);
      this.position += 1;
      yield b;
    }
  }
}

export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `llmkit-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

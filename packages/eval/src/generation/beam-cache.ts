// A KV cache whose rows can be reordered, for beam search (HF's Cache.reorder_cache): after each
// step the surviving beams' keys and values are gathered from the beams they came from. It is a
// KVCache (layers' attention calls the same methods) that keeps its entries itself.
import { tf } from '@llmkit/core';
import { KVCache } from '@llmkit/layers';

interface Entry {
  k: tf.Tensor;
  v: tf.Tensor;
}

export class ReorderableKVCache extends KVCache {
  private readonly entries = new Map<object, Entry>();
  private readonly crossEntries = new Map<object, Entry>();

  override get length(): number {
    let n = 0;
    for (const { k } of this.entries.values()) n = Math.max(n, k.shape[2] as number);
    return n;
  }

  override lengthOf(owner: object): number {
    return (this.entries.get(owner)?.k.shape[2] as number | undefined) ?? 0;
  }

  override append(owner: object, k: tf.Tensor, v: tf.Tensor): Entry {
    const old = this.entries.get(owner);
    const entry = old ? { k: tf.keep(tf.concat([old.k, k], 2)), v: tf.keep(tf.concat([old.v, v], 2)) } : { k: tf.keep(k), v: tf.keep(v) };
    if (old) tf.dispose([old.k, old.v]);
    this.entries.set(owner, entry);
    return entry;
  }

  override crossEntry(owner: object): Entry | undefined {
    return this.crossEntries.get(owner);
  }

  override setCrossEntry(owner: object, k: tf.Tensor, v: tf.Tensor): void {
    this.crossEntries.set(owner, { k: tf.keep(k), v: tf.keep(v) });
  }

  /** Row i of every cached tensor becomes old row `rows[i]` (batch axis 0). */
  reorder(rows: readonly number[]): void {
    const idx = tf.tensor1d(Array.from(rows), 'int32');
    for (const map of [this.entries, this.crossEntries]) {
      for (const [owner, { k, v }] of map) {
        const next = { k: tf.keep(tf.gather(k, idx, 0)), v: tf.keep(tf.gather(v, idx, 0)) };
        tf.dispose([k, v]);
        map.set(owner, next);
      }
    }
    idx.dispose();
  }

  override dispose(): void {
    for (const map of [this.entries, this.crossEntries]) {
      for (const { k, v } of map.values()) tf.dispose([k, v]);
      map.clear();
    }
    super.dispose();
  }
}

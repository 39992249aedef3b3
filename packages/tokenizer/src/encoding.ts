// The result of encoding one input (or one pair): ids plus everything a model or a data loader needs.

/**
 * One encoded input. Arrays are parallel, one entry per token; `offsets` holds [start, end) pairs
 * (UTF-16 offsets into the input the token came from; a special token has [0, 0]).
 */
export class Encoding {
  constructor(
    readonly ids: Int32Array,
    /** Token type (segment) ids: 0 for the first sequence, 1 for the second with BERT templates. */
    readonly typeIds: Uint8Array,
    /** 2 entries per token: [start, end) in the text of the token's sequence. */
    readonly offsets: Int32Array,
    /** 1 for special tokens added by the post-processor (or special added tokens), else 0. */
    readonly specialTokensMask: Uint8Array,
    /** 1 for real tokens, 0 for padding. */
    readonly attentionMask: Uint8Array,
    /** Which input each token came from: 0, 1, or -1 for special tokens and padding. */
    readonly sequenceIds: Int8Array,
    private readonly lookup: (id: number) => string | undefined,
  ) {}

  get length(): number {
    return this.ids.length;
  }

  /** The token strings. */
  get tokens(): string[] {
    return Array.from(this.ids, (id) => this.lookup(id) ?? '');
  }

  /** Offsets as [start, end] tuples. */
  get offsetPairs(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (let i = 0; i < this.ids.length; i++) out.push([this.offsets[2 * i]!, this.offsets[2 * i + 1]!]);
    return out;
  }
}

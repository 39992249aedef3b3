// The post-processor stage: wraps encoded sequences in special tokens ([CLS] A [SEP] B [SEP], BOS/EOS)
// and assigns token type ids. Every processor is described by a template that the Tokenizer applies.

/** A post-processor's tokenizer.json form. */
export interface PostProcessorJSON {
  type: string;
  [field: string]: unknown;
}

/** One item of a template: special tokens, or one of the input sequences, with a token type id. */
export type TemplatePiece =
  | { readonly kind: 'special'; readonly name: string; readonly ids: readonly number[]; readonly tokens: readonly string[]; readonly typeId: number }
  | { readonly kind: 'sequence'; readonly sequence: 0 | 1; readonly typeId: number };

/** Adds special tokens around one sequence or a pair. */
export interface PostProcessor {
  readonly type: string;
  /** What to emit for a single sequence (`isPair` false) or a pair. */
  template(isPair: boolean): readonly TemplatePiece[];
  /** Trim whitespace from token offsets (ByteLevel's `trim_offsets`). */
  readonly trimOffsets: boolean;
  toJSON(): PostProcessorJSON;
}

/** How many special tokens a template adds. */
export function addedTokenCount(processor: PostProcessor | null, isPair: boolean): number {
  if (processor === null) return 0;
  let n = 0;
  for (const p of processor.template(isPair)) if (p.kind === 'special') n += p.ids.length;
  return n;
}

/** The template used when there is no post-processor: A (type 0), B (type 1). */
export const DEFAULT_TEMPLATE: Readonly<Record<'single' | 'pair', readonly TemplatePiece[]>> = {
  single: [{ kind: 'sequence', sequence: 0, typeId: 0 }],
  pair: [
    { kind: 'sequence', sequence: 0, typeId: 0 },
    { kind: 'sequence', sequence: 1, typeId: 1 },
  ],
};

// The vocabulary size and special-token ids of a tokenizer, in the one shape that models and objectives
// take (`GPT.fromTokenizer(tok.tokenIds(), config)`, `MaskedLM.fromTokenizer(ids, options)` and the
// like), so that ids flow from the tokenizer instead of being copied by hand.
import { TokenizerConfigError } from './errors.js';
import type { Model } from './models/model.js';
import { BertProcessing, RobertaProcessing } from './processors/bert-processing.js';
import type { PostProcessor } from './processors/post-processor.js';
import { TemplateProcessing } from './processors/template-processing.js';

/**
 * What `Tokenizer.tokenIds()` returns. A field is absent when the tokenizer has no such token.
 * Every id is in [0, vocabSize).
 */
export interface TokenizerIds {
  /** Vocabulary size, added tokens included (the size of an embedding table). */
  vocabSize: number;
  padTokenId?: number;
  unkTokenId?: number;
  bosTokenId?: number;
  eosTokenId?: number;
  clsTokenId?: number;
  sepTokenId?: number;
  maskTokenId?: number;
}

/** What the derivation reads from a tokenizer. */
export interface TokenIdSource {
  readonly model: Model;
  readonly postProcessor: PostProcessor | null;
  readonly padding: { readonly pad_token: string; readonly pad_id: number } | null;
  tokenToId(token: string): number | undefined;
  getVocabSize(withAddedTokens?: boolean): number;
}

// Conventional spellings of each role, first match wins (BERT, RoBERTa/T5/Llama, GPT-style).
const NAMES = {
  padTokenId: ['[PAD]', '<pad>', '<|pad|>', '<|padding|>'],
  unkTokenId: ['[UNK]', '<unk>', '<|unk|>'],
  clsTokenId: ['[CLS]', '<cls>'],
  sepTokenId: ['[SEP]', '<sep>'],
  maskTokenId: ['[MASK]', '<mask>', '<|mask|>'],
  bosTokenId: ['<s>', '<bos>', '<|bos|>', '<|startoftext|>', '<|begin_of_text|>', '[BOS]'],
  eosTokenId: ['</s>', '<eos>', '<|eos|>', '<|end_of_text|>', '[EOS]'],
} as const;

type IdKey = keyof typeof NAMES;

/**
 * Derives the ids, in this order of authority: the post-processor (BertProcessing's cls/sep;
 * RobertaProcessing's `<s>`/`</s>` as cls/bos and sep/eos; a TemplateProcessing's tokens around `$A`
 * as cls/sep when named so, else bos/eos), the padding setting, the model's unk_token, then the
 * conventional names above. GPT-2's `<|endoftext|>` is both bos and eos (as in HF's GPT-2 config)
 * when nothing else names them.
 */
export function deriveTokenIds(tok: TokenIdSource): TokenizerIds {
  const vocabSize = tok.getVocabSize(true);
  const found: Partial<Record<IdKey, number>> = {};
  const set = (key: IdKey, id: number | undefined): void => {
    if (id !== undefined && found[key] === undefined) found[key] = id;
  };

  const processor = tok.postProcessor;
  if (processor instanceof BertProcessing || processor instanceof RobertaProcessing) {
    set('clsTokenId', processor.cls[1]);
    set('sepTokenId', processor.sep[1]);
    if (processor instanceof RobertaProcessing) {
      set('bosTokenId', processor.cls[1]);
      set('eosTokenId', processor.sep[1]);
    }
  }
  if (processor instanceof TemplateProcessing) {
    // The tokens around $A: cls/sep when so named (BERT's template), otherwise bos/eos.
    const single = processor.single;
    const first = single[0];
    const last = single[single.length - 1];
    if (first?.kind === 'special' && first.ids.length === 1) {
      set((NAMES.clsTokenId as readonly string[]).includes(first.tokens[0]!) ? 'clsTokenId' : 'bosTokenId', first.ids[0]);
    }
    if (last?.kind === 'special' && last.ids.length === 1) {
      set((NAMES.sepTokenId as readonly string[]).includes(last.tokens[0]!) ? 'sepTokenId' : 'eosTokenId', last.ids[0]);
    }
  }
  if (tok.padding !== null) set('padTokenId', tok.tokenToId(tok.padding.pad_token) ?? tok.padding.pad_id);
  const unk = (tok.model as { unkToken?: unknown }).unkToken;
  if (typeof unk === 'string') set('unkTokenId', tok.tokenToId(unk));
  for (const key of Object.keys(NAMES) as IdKey[]) {
    for (const name of NAMES[key]) set(key, tok.tokenToId(name));
  }
  const endOfText = tok.tokenToId('<|endoftext|>');
  set('bosTokenId', endOfText);
  set('eosTokenId', endOfText);

  const ids: TokenizerIds = { vocabSize };
  for (const key of Object.keys(NAMES) as IdKey[]) {
    const id = found[key];
    if (id === undefined) continue;
    if (!Number.isSafeInteger(id) || id < 0 || id >= vocabSize) {
      throw new TokenizerConfigError(`tokenIds: ${key} ${id} is outside the vocabulary [0, ${vocabSize})`);
    }
    ids[key] = id;
  }
  return ids;
}

// The demo's model, shared by the Node demo and the browser page: nanoGPT's shakespeare-char "baby"
// GPT, sized by the tokenizer in one call so that the vocabulary size and bos/eos/pad ids in the
// saved config.json are the tokenizer's (a char-level vocabulary without specials has none: null).
import { GPT } from '@llmkit/layers';

/**
 * @param {{ tokenIds(): import('@llmkit/tokenizer').TokenizerIds }} tokenizer a trained tokenizer
 * @param {{ block: number, nEmbd: number, nLayer: number, nHead: number, seed: number }} config
 *   `block` predictions per row: the position table holds block + 1 (the row before the shift)
 */
export function demoModel(tokenizer, { block, nEmbd, nLayer, nHead, seed }) {
  return GPT.fromTokenizer(tokenizer.tokenIds(), {
    nPositions: block + 1,
    nEmbd,
    nLayer,
    nHead,
    residPdrop: 0,
    embdPdrop: 0,
    attnPdrop: 0,
    seed,
  });
}

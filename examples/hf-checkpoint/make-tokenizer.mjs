// Writes gpt2-tiny/tokenizer.json, the tokenizer shipped with the example checkpoint: an HF BPE
// with one token per printable ASCII character and newline (96) and no merges, then <|endoftext|>
// as id 96, the config's eos id — 97 tokens, the checkpoint's vocab_size. HF `tokenizers` loads
// it too (BPE model, Fuse decoder). Run once with the repository's packages:
//   node make-tokenizer.mjs
import { BPE, Fuse, Tokenizer } from '@llmkit/tokenizer';

const chars = ['\n', ...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i))];
const tokenizer = new Tokenizer({ model: new BPE({ vocab: Object.fromEntries(chars.map((c, i) => [c, i])), merges: [] }), decoder: new Fuse() });
tokenizer.addSpecialTokens(['<|endoftext|>']);
if (tokenizer.getVocabSize() !== 97 || tokenizer.tokenToId('<|endoftext|>') !== 96) throw new Error('expected 97 tokens with <|endoftext|> = 96');
await tokenizer.save(new URL('gpt2-tiny/tokenizer.json', import.meta.url).pathname);

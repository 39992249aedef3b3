// Train a GPT-2-style byte-level BPE on a text file, save it, and read the ids a model config needs.
import { BpeTrainer, byteLevelAlphabet, byteLevelBpe, readTextFiles } from '@llmkit/tokenizer';

const tok = byteLevelBpe();
// The file is read in 1 MB chunks and counted as it streams: it never has to fit in memory.
await tok.train(
  readTextFiles('corpus.txt'),
  new BpeTrainer({ vocabSize: 8000, minFrequency: 2, specialTokens: ['<|endoftext|>'], initialAlphabet: byteLevelAlphabet() }),
);
await tok.save('tokenizer.json');

console.log(tok.decode(tok.encodeIds('Wherefore art thou?'))); // 'Wherefore art thou?'
// Vocabulary size and special-token ids, in the shape model and objective configs take:
console.log(tok.tokenIds()); // { vocabSize: …, bosTokenId: 0, eosTokenId: 0 }

// GPT-2's tokenizer from OpenAI's ranks (shipped by js-tiktoken, no download), saved and reloaded in
// both file layouts: HF's tokenizer.json and the original vocab.json + merges.txt.
import gpt2 from 'js-tiktoken/ranks/gpt2';
import { fromTiktokenRanks, loadGpt2Files, saveGpt2Files, Tokenizer } from '@llmkit/tokenizer';

const tok = fromTiktokenRanks(gpt2);
console.log(tok.encodeIds('Hello world')); // Int32Array [15496, 995]
console.log(tok.encode('Hello world').offsets); // Int32Array [0, 5, 5, 11]
console.log(tok.tokenIds()); // { vocabSize: 50257, bosTokenId: 50256, eosTokenId: 50256 }

await tok.save('tokenizer.json');
await saveGpt2Files(tok, '.');
const fromHub = await Tokenizer.fromFile('tokenizer.json'); // HF tokenizer.json
const fromOpenAI = await loadGpt2Files('vocab.json', 'merges.txt'); // original files
console.log(fromHub.encodeIds('\ufeffBOM and NEL\u0085 are text')); // the same ids as HF tokenizers
console.log(fromOpenAI.decode(fromOpenAI.encodeIds('\ufeffhi')) === '\ufeffhi'); // true

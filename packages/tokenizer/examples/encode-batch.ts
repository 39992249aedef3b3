// BERT pairs to padded typed arrays: what an MLM or classification batch is made of.
import { loadBertVocab } from '@llmkit/tokenizer';

const bert = await loadBertVocab('vocab.txt', { lowercase: true });
const batch = bert.encodeBatch(
  [
    ['Who wrote Hamlet?', 'Shakespeare wrote it around 1600.'],
    ['什么是自然语言处理？', 'NLP 是人工智能的一个分支。'],
  ],
  { padding: true, truncation: true, maxLength: 64, returnSpecialTokensMask: true, returnOffsets: true },
);
console.log(batch.inputIds); // Int32Array, batchSize × batch.length, row-major: [CLS] A [SEP] B [SEP] [PAD]…
console.log(batch.tokenTypeIds); // Uint8Array: 0 for A and its [CLS]/[SEP], 1 for B and the last [SEP]
console.log(batch.attentionMask); // Uint8Array: 0 on padding
console.log(batch.specialTokensMask); // Uint8Array: 1 on [CLS]/[SEP]/[PAD] — what an MLM objective must not mask
console.log(batch.offsets); // Int32Array, 2 per token, into each row's own text
console.log(bert.tokenIds()); // { vocabSize: …, padTokenId: 0, unkTokenId: 100, clsTokenId: 101, sepTokenId: 102, maskTokenId: 103 } for bert-base

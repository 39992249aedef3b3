// Pretrains a small BERT with masked LM + sentence order (ALBERT's SOP) on the paragraphs of text
// files: a WordPiece vocabulary learned from the corpus, segment pairs cut from its paragraphs, and
// the special-token ids handed from the tokenizer to the model and the objectives in one call each.
//   npx tsx examples/pretrain-bert.ts 'books/*.txt' 1000    (the README test runs a few steps)
import { useBackend } from '@llmkit/core';
import { BERT } from '@llmkit/layers';
import { MaskedLM, SentenceOrder, combine } from '@llmkit/objectives';
import { WordPieceTrainer, bertWordPiece } from '@llmkit/tokenizer';
import { AdamW, LinearSchedule, Trainer, segmentPairs, textFiles, trainValidation } from '@llmkit/trainer';

const [files = 'books/*.txt', steps = '1000'] = process.argv.slice(2);
const maxSteps = Number(steps);
const maxLength = 64; // [CLS] A [SEP] B [SEP]

await useBackend();
// A paragraph is a document, its lines are the sentences that segment pairs are cut between.
const corpus = textFiles(files, { sampleBy: 'paragraph' });
const tokenizer = bertWordPiece();
await tokenizer.train(corpus, new WordPieceTrainer({ vocabSize: 2000 }));
const ids = tokenizer.tokenIds(); // { vocabSize, padTokenId, clsTokenId, sepTokenId, maskTokenId, … }

const { train, validation } = trainValidation(
  segmentPairs,
  { source: corpus, tokenizer, maxLength, batchSize: 16, shuffleBuffer: 256, seed: 1, epochs: Infinity },
  { fraction: 0.1, by: 'block' },
);
const bert = BERT.fromTokenizer(ids, { hiddenSize: 64, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 128, maxPositionEmbeddings: maxLength });
// SentenceOrder lays the pairs out as rows (half of them swapped), then MaskedLM masks those rows.
// Segment pairs are this objective's data: given packedBlocks' token rows instead, it does not compile.
const objective = combine([SentenceOrder.fromTokenizer(ids, { maxLength }), MaskedLM.fromTokenizer(ids)]);
const trainer = new Trainer({
  model: bert,
  objective,
  data: train,
  optimizer: new AdamW(bert, { lr: 1e-3, weightDecay: 0.01 }),
  schedule: new LinearSchedule({ maxLr: 1e-3, minLr: 0, warmupSteps: Math.ceil(maxSteps / 10), decaySteps: maxSteps }),
  maxSteps,
  clipNorm: 1,
  evalEvery: Math.max(1, Math.round(maxSteps / 4)),
  evalData: validation,
  evalBatches: 10,
  log: { progress: 'auto' },
  callbacks: [
    {
      onEval: ({ step, loss, parts, batches }) =>
        console.log(`step ${step}: val loss ${loss.toFixed(4)} (mlm ${parts?.mlm?.toFixed(4)}, sop ${parts?.sop?.toFixed(4)}; ${batches} batches)`),
    },
  ],
});
const result = await trainer.fit();
console.log(`stopped (${result.reason}) at step ${result.step}; ${trainer.tokensSeen} tokens`);

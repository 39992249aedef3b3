// Trains a small BERT with masked LM plus a confidence penalty of our own, weighted 1 : 0.1, and
// checks at every step that the trainer's loss is that weighted sum of the two parts.
//   node train.mjs [corpus.txt] [steps]
import { useBackend } from '@llmkit/core';
import { BERT } from '@llmkit/layers';
import { MaskedLM, combine } from '@llmkit/objectives';
import { WordPieceTrainer, bertWordPiece } from '@llmkit/tokenizer';
import { AdamW, Trainer, packedBlocks, textFiles } from '@llmkit/trainer';
import { ConfidencePenalty } from './confidence-penalty.mjs';

const [file = 'corpus.txt', steps = '200'] = process.argv.slice(2);
const weights = { mlm: 1, confidence: 0.1 };

const backend = await useBackend();
console.log(`backend ${backend.name}`);
const corpus = textFiles(file, { sampleBy: 'line' });
const tokenizer = bertWordPiece();
await tokenizer.train(corpus, new WordPieceTrainer({ vocabSize: 500 }));
const ids = tokenizer.tokenIds();

// MaskedLM masks the rows first; ConfidencePenalty, after it in combine(), sees the masked rows.
const objective = combine([MaskedLM.fromTokenizer(ids), new ConfidencePenalty()], weights);
const bert = BERT.fromTokenizer(ids, { hiddenSize: 64, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 128, maxPositionEmbeddings: 32 });
let worst = 0;
const trainer = new Trainer({
  model: bert,
  objective,
  data: packedBlocks({ source: corpus, tokenizer, blockSize: 32, batchSize: 8, shuffleBuffer: 64, seed: 1, epochs: Infinity }),
  optimizer: new AdamW(bert, { lr: 1e-3, weightDecay: 0.01 }),
  maxSteps: Number(steps),
  log: false,
  callbacks: [
    {
      onStep: ({ step, loss, parts }) => {
        const expected = weights.mlm * parts.mlm + weights.confidence * parts.confidence;
        worst = Math.max(worst, Math.abs(loss - expected));
        console.log(`step ${step}: loss ${loss.toFixed(4)} = ${weights.mlm} × mlm ${parts.mlm.toFixed(4)} + ${weights.confidence} × confidence ${parts.confidence.toFixed(4)}`);
      },
    },
  ],
});
const result = await trainer.fit();
console.log(`stopped (${result.reason}) at step ${result.step}; |loss - weighted parts| at most ${worst.toExponential(1)}`);
// float32 sums of numbers near 5: 1e-4 leaves room for rounding, never for a missing or unweighted part.
if (!(worst < 1e-4)) {
  console.error('the combined loss is not the weighted sum of its parts');
  process.exit(1);
}

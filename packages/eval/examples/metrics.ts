// Metrics equal to the references users trust: scikit-learn, sacrebleu, seqeval, rouge-score.
// Pure JavaScript, no tensors. Run by test/examples.test.ts.
import { accuracy, confusionMatrix, corpusBleu, corpusChrf, entityScores, f1, matthewsCorrcoef, rougeScore, sentenceBleu } from '@llmkit/eval';

const yTrue = ['spam', 'ham', 'ham', 'spam', 'ham'];
const yPred = ['spam', 'ham', 'spam', 'spam', 'ham'];
console.log('accuracy', accuracy(yTrue, yPred));
console.log('f1 (spam)', f1(yTrue, yPred, { posLabel: 'spam' }).toFixed(4));
console.log('f1 macro', f1(yTrue, yPred, { average: 'macro' }).toFixed(4));
console.log('mcc', matthewsCorrcoef(yTrue, yPred).toFixed(4));
console.log('confusion', JSON.stringify(confusionMatrix(yTrue, yPred)));

const hyps = ['The cat sat on the mat.', 'It is raining today.'];
const refs = [['The cat is on the mat.', 'There is a cat on the mat.'], 'It rains today.'];
console.log('BLEU', corpusBleu(hyps, refs).score.toFixed(2));
console.log('sentence BLEU', sentenceBleu(hyps[0]!, refs[0]!).score.toFixed(2));
console.log('chrF', corpusChrf(hyps, refs).toFixed(2));
console.log('ROUGE-L F', rougeScore('the cat was under the bed', 'the cat was found under the bed').rougeL!.fmeasure.toFixed(4));

const tags = [['B-PER', 'I-PER', 'O', 'B-LOC']];
const predicted = [['B-PER', 'I-PER', 'O', 'O']];
console.log('entity F1', entityScores(tags, predicted).f1.toFixed(4));

// Public entry of @llmkit/tokenizer: re-exports only.
export { Tokenizer } from './tokenizer.js';
export type { TokenizerOptions, EncodeOptions, DecodeOptions, TokenizerJSON } from './tokenizer.js';
export type { TokenizerIds } from './token-ids.js';
export { Encoding } from './encoding.js';
export type { BatchEncoding, EncodeBatchOptions, PaddingJSON } from './batch.js';
export type { TruncationJSON, TruncationStrategy } from './truncation.js';
export type { AddedToken, AddedTokenJSON } from './added-vocabulary.js';
export { TokenizerError, TokenizerConfigError, TokenizerFormatError, UnsupportedComponentError } from './errors.js';

export type { Normalizer, NormalizerJSON } from './normalizers/normalizer.js';
export { normalizeString } from './normalizers/normalizer.js';
export type { NormalizedText } from './normalizers/normalized-text.js';
export { BertNormalizer, type BertNormalizerOptions } from './normalizers/bert-normalizer.js';
export { Lowercase } from './normalizers/lowercase.js';
export { StripAccents } from './normalizers/strip-accents.js';
export { Strip } from './normalizers/strip.js';
export { NFC, NFD, NFKC, NFKD } from './normalizers/unicode-forms.js';
export { NormalizerSequence } from './normalizers/sequence.js';
export { normalizerFromJSON } from './normalizers/from-json.js';

export type { PreTokenizer, PreTokenizerJSON } from './pre-tokenizers/pre-tokenizer.js';
export { preTokenizeString } from './pre-tokenizers/pre-tokenizer.js';
export { ByteLevel, type ByteLevelOptions } from './pre-tokenizers/byte-level.js';
export { BertPreTokenizer } from './pre-tokenizers/bert-pre-tokenizer.js';
export { Whitespace, WhitespaceSplit } from './pre-tokenizers/whitespace.js';
export { PreTokenizerSequence } from './pre-tokenizers/sequence.js';
export { GPT2_PATTERN } from './pre-tokenizers/gpt2-split.js';
export { preTokenizerFromJSON } from './pre-tokenizers/from-json.js';

export type { Model, ModelJSON } from './models/model.js';
export { BPE, type BPEOptions } from './models/bpe.js';
export { WordPiece, type WordPieceOptions } from './models/wordpiece.js';
export { CharLevel, type CharLevelOptions } from './models/char-level.js';
export { modelFromJSON } from './models/from-json.js';

export type { PostProcessor, PostProcessorJSON, TemplatePiece } from './processors/post-processor.js';
export { TemplateProcessing, type TemplateProcessingOptions, type TemplateSpecialToken } from './processors/template-processing.js';
export { BertProcessing, RobertaProcessing } from './processors/bert-processing.js';
export { ByteLevelProcessing } from './processors/byte-level.js';
export { postProcessorFromJSON } from './processors/from-json.js';

export type { Decoder, DecoderJSON } from './decoders/decoder.js';
export { ByteLevelDecoder } from './decoders/byte-level.js';
export { WordPieceDecoder } from './decoders/wordpiece.js';
export { Fuse } from './decoders/fuse.js';
export { decoderFromJSON } from './decoders/from-json.js';

export type { Trainer, WordCounts } from './trainers/trainer.js';
export { BpeTrainer, type BpeTrainerOptions } from './trainers/bpe-trainer.js';
export { WordPieceTrainer, BERT_SPECIAL_TOKENS, type WordPieceTrainerOptions } from './trainers/wordpiece-trainer.js';
export { CharTrainer, type CharTrainerOptions } from './trainers/char-trainer.js';
export { WordCounter, type TextSource, type TextChunk } from './trainers/word-counter.js';

export { byteLevelBpe, bertWordPiece, charLevel, setBertTemplate, type BertWordPieceOptions } from './presets.js';
export { byteLevelAlphabet, toByteLevel } from './unicode/byte-level-alphabet.js';
export { readTextFiles } from './io/text-files.js';
export { gpt2FromFiles, toGpt2Files, loadGpt2Files, saveGpt2Files } from './io/gpt2-files.js';
export { bertFromVocabTxt, toBertVocabTxt, loadBertVocab } from './io/bert-vocab.js';
export { fromTiktokenRanks, parseTiktokenRanks, type TiktokenRanks } from './io/tiktoken-ranks.js';

// What every model body offers to the heads on top of it (LM heads, classifiers): hidden states
// for a batch of token ids, and its width.
import { ShapeError, zerosInitializer, normalInitializer, type Initializer, type Module, type tf } from '@llmkit/core';
import type { KVCache } from '../attention.js';
import type { HFConfig } from './checkpoint.js';

/** The inputs of every model's `forward`. */
export interface ModelInputs {
  /** Token ids, int32 [B, T]. */
  inputIds: tf.Tensor;
  /**
   * 1 for real tokens, 0 for padding, [B, T] (int32, float or bool). With a KV cache it covers the
   * cached tokens too: [B, cached + T].
   */
  attentionMask?: tf.Tensor;
  /** Segment ids, int32 [B, T] (BERT; 0 when omitted). */
  tokenTypeIds?: tf.Tensor;
  /** Keys and values of earlier decoding steps (decoders only; inference only). */
  cache?: KVCache;
}

/** How a sequence is summarised into one vector for sequence classification. */
export type Pooling = 'first' | 'last' | 'mean' | 'pooler';

/** A model body: token ids in, hidden states out. GPTModel, BertModel and TransformerEncoder are backbones. */
export interface Backbone extends Module {
  /** Width of the hidden states. */
  readonly hiddenSize: number;
  /** Name under which heads register it, as HF's `base_model_prefix` (`'transformer'`, `'bert'`). */
  readonly baseModelPrefix: string;
  /** HF's head conventions for this family: the classifier's name and bias, and the default pooling. */
  readonly headDefaults: { readonly classifierName: string; readonly classifierBias: boolean; readonly pooling: Pooling; readonly dropout: number; readonly architecture: string };
  /** Hidden states [B, T, C], and for BERT the pooled [CLS] vector [B, C]. */
  encode(inputs: ModelInputs): { hiddenStates: tf.Tensor; pooledOutput?: tf.Tensor };
  /** The HF config.json of the body. */
  hfConfig(): HFConfig;
}

/** Checks the ids and masks every model takes; returns [B, T]. */
export function checkInputs(where: string, inputs: ModelInputs, cached = 0): [number, number] {
  const { inputIds, attentionMask, tokenTypeIds } = inputs;
  if (!inputIds || inputIds.rank !== 2 || inputIds.dtype !== 'int32') {
    throw new ShapeError(`${where}: 'inputIds' must be an int32 tensor [B, T]; got ${inputIds ? `${inputIds.dtype} [${inputIds.shape.join(', ')}]` : String(inputIds)}`);
  }
  const [b, t] = inputIds.shape as [number, number];
  if (attentionMask && (attentionMask.rank !== 2 || attentionMask.shape[0] !== b || attentionMask.shape[1] !== cached + t)) {
    throw new ShapeError(`${where}: 'attentionMask' must be [${b}, ${cached + t}]${cached ? ` (${cached} cached + ${t} new tokens)` : ''}; got [${attentionMask.shape.join(', ')}]`);
  }
  if (tokenTypeIds && (tokenTypeIds.dtype !== 'int32' || tokenTypeIds.shape[0] !== b || tokenTypeIds.shape[1] !== t)) {
    throw new ShapeError(`${where}: 'tokenTypeIds' must be int32 [${b}, ${t}]; got ${tokenTypeIds.dtype} [${tokenTypeIds.shape.join(', ')}]`);
  }
  return [b, t];
}

/** Options every model constructor takes besides its config. */
export interface BuildOptions {
  /**
   * Draw initial weights (default true). `load()` passes false: the weights are about to be
   * overwritten, and drawing ~100M normals on the host takes seconds.
   */
  initialize?: boolean;
}

/** N(0, std²), or zeros when the weights will be loaded anyway. */
export function weightInit(std: number, options: BuildOptions): Initializer {
  return options.initialize === false ? zerosInitializer() : normalInitializer({ std });
}

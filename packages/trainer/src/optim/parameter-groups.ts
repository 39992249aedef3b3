// Which parameters get weight decay. By default none of biases, norms and embeddings do (GPT-2's and
// BERT's recipes; nanoGPT decays only 2-D weights): decided from the parameter's name, first match wins.
import { ConfigError, type tf } from '@llmkit/core';
import { checkNumber } from './optimizer.js';

/** Parameters selected by name: a RegExp tested on the dotted path, a list of paths, or a predicate. */
export type ParameterMatcher = RegExp | readonly string[] | ((name: string, parameter: tf.Variable) => boolean);

/** Hyper-parameters for the parameters that `match` selects (first matching group wins). */
export interface ParameterGroup {
  match: ParameterMatcher;
  /** Overrides the optimizer's `weightDecay` for these parameters. */
  weightDecay?: number;
}

const NORM = /^(ln(_\w+)?|layer_?norm|\w*_layer_?norm|norm\d*|\w*_norm)$/i;
const EMBEDDING = /^(wte|wpe|\w*embeddings?|embed_\w+)$/i;

/**
 * True for a bias, a normalisation weight or an embedding table, judged from the dotted path:
 * a last component `bias`; a component naming a norm (`ln_1`, `ln_f`, `LayerNorm`, `layer_norm`,
 * `input_layernorm`, `norm`); a component naming an embedding (`wte`, `wpe`, `word_embeddings`,
 * `embed_tokens`); or any parameter of rank < 2 (a scale or bias under another name). A weight tied
 * to an embedding is listed once, under the embedding's path, so the LM head follows it.
 */
export function isNoDecayParameter(name: string, parameter: tf.Variable): boolean {
  const parts = name.split('.');
  if (parts[parts.length - 1] === 'bias') return true;
  if (parameter.rank < 2) return true;
  return parts.some((p) => NORM.test(p) || EMBEDDING.test(p));
}

/** The default groups: no decay for {@link isNoDecayParameter}; everything else takes the optimizer's rate. */
export const DEFAULT_GROUPS: readonly ParameterGroup[] = [{ match: isNoDecayParameter, weightDecay: 0 }];

function matches(matcher: ParameterMatcher, name: string, parameter: tf.Variable): boolean {
  if (matcher instanceof RegExp) return matcher.test(name);
  if (typeof matcher === 'function') return matcher(name, parameter);
  if (Array.isArray(matcher)) return matcher.includes(name);
  throw new ConfigError(`parameter group: 'match' must be a RegExp, a list of names or a function, got ${typeof matcher}`);
}

/**
 * The weight decay of each parameter under `groups` (first match), `defaultDecay` where none matches;
 * a decay that is not a number >= 0 is a ConfigError naming the parameter (`where`: the optimizer).
 */
export function resolveWeightDecay(
  where: string,
  parameters: readonly (readonly [string, tf.Variable])[],
  groups: readonly ParameterGroup[],
  defaultDecay: number,
): number[] {
  return parameters.map(([name, parameter]) => {
    const group = groups.find((g) => matches(g.match, name, parameter));
    return checkNumber(where, `weight decay of '${name}'`, group?.weightDecay ?? defaultDecay, 0);
  });
}

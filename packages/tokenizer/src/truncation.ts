// Truncation of one sequence or a pair to a token budget, as HF and BERT's data pipelines do it.
import { TokenizerConfigError } from './errors.js';
import type { TokenList } from './models/token-list.js';

/** Which sequence loses tokens: HF's strategies. */
export type TruncationStrategy = 'longest_first' | 'only_first' | 'only_second';

/** tokenizer.json's `truncation` field. */
export interface TruncationJSON {
  direction?: 'Right' | 'Left';
  max_length: number;
  strategy: 'LongestFirst' | 'OnlyFirst' | 'OnlySecond';
  stride: number;
}

/**
 * Shortens `a` (and `b`) so that together they hold at most `budget` tokens. `longest_first` removes
 * one token at a time from the longer sequence (from `b` on a tie), like BERT's `_truncate_seq_pair`.
 */
export function truncatePair(a: TokenList, b: TokenList | null, budget: number, strategy: TruncationStrategy, side: 'right' | 'left'): void {
  if (budget < 0) throw new TokenizerConfigError(`maxLength is smaller than the number of special tokens the template adds`);
  let na = a.length;
  let nb = b?.length ?? 0;
  if (na + nb <= budget) return;
  if (strategy === 'longest_first' || b === null) {
    if (b === null) na = Math.min(na, budget);
    else {
      // Closed form of "remove from the longer one, b on ties".
      while (na + nb > budget) {
        if (na > nb) na--;
        else nb--;
      }
    }
  } else if (strategy === 'only_first') {
    na = Math.max(0, budget - nb);
    if (na + nb > budget) throw new TokenizerConfigError(`truncation only_first: the second sequence alone (${nb} tokens) exceeds maxLength`);
  } else {
    nb = Math.max(0, budget - na);
    if (na + nb > budget) throw new TokenizerConfigError(`truncation only_second: the first sequence alone (${na} tokens) exceeds maxLength`);
  }
  cut(a, na, side);
  if (b !== null) cut(b, nb, side);
}

function cut(list: TokenList, n: number, side: 'right' | 'left'): void {
  if (n >= list.length) return;
  if (side === 'left') {
    const drop = list.length - n;
    list.ids.copyWithin(0, drop, list.length);
    list.starts.copyWithin(0, drop, list.length);
    list.ends.copyWithin(0, drop, list.length);
  }
  list.length = n;
}

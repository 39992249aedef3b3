// Post-processing: lays out one sequence or a pair per the post-processor's template, producing an
// Encoding with type ids, special-tokens mask and offsets.
import { SPECIAL_TABLE_LIMIT, type AddedVocabulary } from './added-vocabulary.js';
import { Encoding } from './encoding.js';
import type { TokenList } from './models/token-list.js';
import { DEFAULT_TEMPLATE, type PostProcessor } from './processors/post-processor.js';

/** Builds the Encoding of `a` (and `b`) with or without the template's special tokens. */
export function assemble(
  processor: PostProcessor | null,
  added: AddedVocabulary,
  a: TokenList,
  b: TokenList | null,
  addSpecialTokens: boolean,
  lookup: (id: number) => string | undefined,
  sourceText: readonly string[],
): Encoding {
  const isPair = b !== null;
  const template = processor ? processor.template(isPair) : isPair ? DEFAULT_TEMPLATE.pair : DEFAULT_TEMPLATE.single;
  let n = 0;
  for (const piece of template) {
    if (piece.kind === 'special') n += addSpecialTokens ? piece.ids.length : 0;
    else n += piece.sequence === 0 ? a.length : (b?.length ?? 0);
  }
  const ids = new Int32Array(n);
  const typeIds = new Uint8Array(n);
  const offsets = new Int32Array(2 * n);
  const special = new Uint8Array(n);
  const sequenceIds = new Int8Array(n);
  let k = 0;
  for (const piece of template) {
    if (piece.kind === 'special') {
      if (!addSpecialTokens) continue;
      for (const id of piece.ids) {
        ids[k] = id;
        typeIds[k] = piece.typeId;
        special[k] = 1;
        sequenceIds[k] = -1;
        k++;
      }
      continue;
    }
    const list = piece.sequence === 0 ? a : b;
    if (list === null) continue;
    const trim = processor?.trimOffsets ? sourceText[piece.sequence] : undefined;
    const n = list.length;
    ids.set(list.ids.subarray(0, n), k);
    typeIds.fill(piece.typeId, k, k + n);
    sequenceIds.fill(piece.sequence, k, k + n);
    const flags = added.specialFlags();
    for (let i = 0; i < n; i++, k++) {
      const id = list.ids[i]!;
      if (id < flags.length) special[k] = flags[id]!;
      else if (id >= SPECIAL_TABLE_LIMIT && added.isSpecial(id)) special[k] = 1;
      let s = list.starts[i]!;
      let e = list.ends[i]!;
      if (trim !== undefined) {
        while (s < e && trim.charCodeAt(s) === 32) s++;
        while (e > s && trim.charCodeAt(e - 1) === 32) e--;
      }
      offsets[2 * k] = s;
      offsets[2 * k + 1] = e;
    }
  }
  return new Encoding(ids, typeIds, offsets, special, new Uint8Array(n).fill(1), sequenceIds, lookup);
}

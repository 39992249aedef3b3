// Byte-level BPE from tiktoken-style ranks (as js-tiktoken ships them): the vocabulary is the ranks
// spelled in byte characters, and each merge is recovered by running BPE on the token's own bytes.
import { TokenizerFormatError, UnsupportedComponentError } from '../errors.js';
import { badValue, Fields, quote, readId } from './untrusted.js';
import { BPE } from '../models/bpe.js';
import { ByteLevelDecoder } from '../decoders/byte-level.js';
import { ByteLevel } from '../pre-tokenizers/byte-level.js';
import { TIKTOKEN_GPT2_PATTERN } from '../pre-tokenizers/gpt2-split.js';
import { ByteLevelProcessing } from '../processors/byte-level.js';
import { Tokenizer } from '../tokenizer.js';
import { BYTE_TO_CHAR } from '../unicode/byte-level-alphabet.js';

/** js-tiktoken's rank file object (`import gpt2 from 'js-tiktoken/ranks/gpt2'`). */
export interface TiktokenRanks {
  pat_str: string;
  special_tokens: Record<string, number>;
  /** Lines `"! <first rank> <base64 token> <base64 token> ..."`. */
  bpe_ranks: string;
}

/** Decodes js-tiktoken's compressed `bpe_ranks` into (token bytes, rank) pairs. */
export function parseTiktokenRanks(bpeRanks: string): Array<[Uint8Array, number]> {
  return parseLatin1(bpeRanks).map(([t, rank]) => [Uint8Array.from(t, (c) => c.charCodeAt(0)), rank]);
}

/** Same as parseTiktokenRanks, with each token's bytes as a latin1 string (one char per byte). */
function parseLatin1(bpeRanks: string): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (const line of bpeRanks.split('\n')) {
    if (!line) continue;
    const [, offsetText, ...tokens] = line.split(' ');
    const offset = /^\d{1,10}$/.test(offsetText ?? '') ? Number(offsetText) : NaN;
    if (!Number.isInteger(offset)) throw new TokenizerFormatError(`tiktoken ranks: bad line start ${quote(line.slice(0, 20))}`);
    tokens.forEach((t, i) => out.push([base64ToLatin1(t), readId(offset + i, 'tiktoken ranks: rank')]));
  }
  return out;
}

/**
 * A GPT-2-style tokenizer from tiktoken ranks. Only GPT-2's split pattern is supported (r50k/p50k/gpt2).
 * @example
 * import gpt2 from 'js-tiktoken/ranks/gpt2';
 * const tok = fromTiktokenRanks(gpt2);
 */
export function fromTiktokenRanks(ranks: TiktokenRanks): Tokenizer {
  const fields = new Fields(ranks, 'tiktoken ranks');
  const pattern = fields.string('pat_str');
  if (pattern !== TIKTOKEN_GPT2_PATTERN) {
    throw new UnsupportedComponentError('tiktoken pattern', `only GPT-2's pattern is implemented, got ${quote(pattern)}`);
  }
  const specials = fields.object('special_tokens');
  const specialIds = Object.entries(specials.value).map(([content, id]) => [content, readId(id, `tiktoken ranks special_tokens[${quote(content)}]`)] as const);
  const entries = parseLatin1(fields.string('bpe_ranks')).sort((x, y) => x[1] - y[1]);
  // As tiktoken's CoreBPE: every token and every rank appears once.
  const rankOf = new Map<string, number>();
  for (let i = 0; i < entries.length; i++) {
    const [bytes, rank] = entries[i]!;
    if (i > 0 && entries[i - 1]![1] === rank) throw new TokenizerFormatError(`tiktoken ranks: rank ${rank} is given twice`);
    if (rankOf.has(bytes)) throw new TokenizerFormatError(`tiktoken ranks: a token appears twice (ranks ${rankOf.get(bytes)} and ${rank})`);
    if (bytes.length === 0) throw new TokenizerFormatError(`tiktoken ranks: rank ${rank} is an empty token`);
    rankOf.set(bytes, rank);
  }
  const lower = (part: string, rank: number): boolean => (rankOf.get(part) ?? Infinity) < rank;

  const vocab = new Map<string, number>();
  const merges: Array<[string, string]> = [];
  const spell = (s: string): string => {
    let out = '';
    for (let i = 0; i < s.length; i++) out += BYTE_TO_CHAR[s.charCodeAt(i)];
    return out;
  };
  for (const [key, rank] of entries) {
    vocab.set(spell(key), rank);
    if (key.length < 2) continue;
    // The merge is the split where BPE on the token's own bytes (with lower-ranked tokens only) ends.
    // Usually only one split has two lower-ranked halves; otherwise run that BPE.
    let split = -1;
    for (let i = 1; i < key.length; i++) {
      if (lower(key.slice(0, i), rank) && lower(key.slice(i), rank)) {
        if (split >= 0) {
          split = bpeSplit(key, rank, rankOf);
          break;
        }
        split = i;
      }
    }
    if (split < 0) throw new TokenizerFormatError(`tiktoken ranks: token of rank ${rank} is not a merge of two lower-ranked tokens`);
    merges.push([spell(key.slice(0, split)), spell(key.slice(split))]);
  }
  const tok = new Tokenizer({
    model: new BPE({ vocab, merges }),
    preTokenizer: new ByteLevel({ addPrefixSpace: false }),
    postProcessor: new ByteLevelProcessing({ trimOffsets: false }),
    decoder: new ByteLevelDecoder(),
  });
  for (const [content, id] of specialIds) {
    if (content.length === 0) throw badValue('tiktoken ranks special_tokens', 'non-empty tokens', content);
    tok.added.add({ content, special: true }, id);
  }
  return tok;
}

/** Runs BPE with tokens ranked below `rank` on `key`; returns where the last two parts meet. */
function bpeSplit(key: string, rank: number, rankOf: ReadonlyMap<string, number>): number {
  const parts = Array.from(key);
  while (parts.length > 2) {
    let best = -1;
    let bestRank = rank;
    for (let i = 0; i + 1 < parts.length; i++) {
      const r = rankOf.get(parts[i]! + parts[i + 1]!);
      if (r !== undefined && r < bestRank) {
        bestRank = r;
        best = i;
      }
    }
    if (best < 0) return -1;
    parts.splice(best, 2, parts[best]! + parts[best + 1]!);
  }
  return parts.length === 2 ? parts[0]!.length : -1;
}

const B64 = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;

/** Base64 → one char per byte (Node's atob is slow on 50k short strings). */
function base64ToLatin1(s: string): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 61) break; // '='
    const v = c < 128 ? B64[c]! : -1;
    if (v < 0) throw new TokenizerFormatError(`tiktoken ranks: invalid base64 ${quote(s)}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += String.fromCharCode((acc >> bits) & 0xff);
    }
  }
  return out;
}

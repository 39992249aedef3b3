// HF's TemplateProcessing: templates such as "[CLS] $A [SEP] $B:1 [SEP]:1", with ":n" the type id.
import { TokenizerConfigError, TokenizerError } from '../errors.js';
import { badValue, Fields, isPlainObject, quote, readId } from '../io/untrusted.js';
import type { PostProcessor, PostProcessorJSON, TemplatePiece } from './post-processor.js';

/** A special token used by a template: its name and the ids (and tokens) it stands for. */
export interface TemplateSpecialToken {
  id: string;
  ids: number[];
  tokens: string[];
}

/** Options of {@link TemplateProcessing}. */
export interface TemplateProcessingOptions {
  /** Template for one sequence, e.g. `"[CLS] $A [SEP]"` or `"<|bos|> $A <|eos|>"`. */
  single: string | readonly TemplatePiece[];
  /** Template for a pair, e.g. `"[CLS] $A [SEP] $B:1 [SEP]:1"`. Default: single's pieces then B (type 1). */
  pair?: string | readonly TemplatePiece[];
  /** The special tokens the templates name, as `[token, id]` pairs or full entries. */
  specialTokens: ReadonlyArray<readonly [string, number] | TemplateSpecialToken>;
}

/**
 * Template post-processor. In HF's syntax `$B` alone has type id 0: write `$B:1` for BERT-style pairs.
 * @example
 * new TemplateProcessing({
 *   single: '[CLS] $A [SEP]',
 *   pair: '[CLS] $A [SEP] $B:1 [SEP]:1',
 *   specialTokens: [['[CLS]', 101], ['[SEP]', 102]],
 * });
 */
export class TemplateProcessing implements PostProcessor {
  readonly type = 'TemplateProcessing';
  readonly trimOffsets = false;
  readonly single: readonly TemplatePiece[];
  readonly pair: readonly TemplatePiece[];
  readonly specialTokens: ReadonlyMap<string, TemplateSpecialToken>;

  constructor(options: TemplateProcessingOptions) {
    const specials = new Map<string, TemplateSpecialToken>();
    for (const s of options.specialTokens) {
      const entry = Array.isArray(s) ? { id: s[0] as string, ids: [s[1] as number], tokens: [s[0] as string] } : (s as TemplateSpecialToken);
      specials.set(entry.id, entry);
    }
    this.specialTokens = specials;
    this.single = typeof options.single === 'string' ? parseTemplate(options.single, specials) : options.single;
    this.pair =
      options.pair === undefined
        ? [...this.single, { kind: 'sequence', sequence: 1, typeId: 1 }]
        : typeof options.pair === 'string'
          ? parseTemplate(options.pair, specials)
          : options.pair;
  }

  template(isPair: boolean): readonly TemplatePiece[] {
    const missing = isPair ? this.missing.pair : this.missing.single;
    if (missing !== null) throw new TokenizerError(`TemplateProcessing: the ${isPair ? 'pair' : 'single'} template uses special token ${quote(missing)}, which special_tokens lacks`);
    return isPair ? this.pair : this.single;
  }

  /** The same templates with each special token's ids looked up again by its tokens. */
  withIds(lookup: (token: string) => number | undefined): TemplateProcessing {
    const specials = [...this.specialTokens.values()].map((s) => {
      const ids = s.tokens.map((t, i) => lookup(t) ?? s.ids[i]!);
      return { id: s.id, ids, tokens: [...s.tokens] };
    });
    const byName = new Map(specials.map((s) => [s.id, s]));
    const remap = (pieces: readonly TemplatePiece[]): TemplatePiece[] =>
      pieces.map((p) => (p.kind === 'special' ? specialPiece(p.name, p.typeId, byName) : p));
    return new TemplateProcessing({ single: remap(this.single), pair: remap(this.pair), specialTokens: specials });
  }

  toJSON(): PostProcessorJSON {
    const special_tokens: Record<string, TemplateSpecialToken> = {};
    for (const [name, s] of this.specialTokens) special_tokens[name] = { id: s.id, ids: [...s.ids], tokens: [...s.tokens] };
    return { type: this.type, single: this.single.map(pieceToJSON), pair: this.pair.map(pieceToJSON), special_tokens };
  }

  /** A special token a template names but special_tokens lacks (HF loads such a file and fails to encode). */
  private missing: { single: string | null; pair: string | null } = { single: null, pair: null };

  /**
   * Parses HF's form. As HF, special tokens are looked up by their key in `special_tokens`, and a
   * template naming a missing one loads but cannot encode. @throws TokenizerFormatError naming a malformed field.
   */
  static fromJSON(json: PostProcessorJSON, where = 'post_processor'): TemplateProcessing {
    const node = new Fields(json, where);
    const specialsNode = node.object('special_tokens');
    const specials: TemplateSpecialToken[] = [];
    for (const [name, value] of Object.entries(specialsNode.value)) {
      const at = `${specialsNode.where}[${quote(name)}]`;
      const s = new Fields(value, at);
      s.string('id');
      const ids = s.array('ids').map((id, i) => readId(id, `${at}.ids[${i}]`));
      const tokens = s.array('tokens').map((t, i) => {
        if (typeof t !== 'string') throw badValue(`${at}.tokens[${i}]`, 'a string', t);
        return t;
      });
      specials.push({ id: name, ids, tokens });
    }
    const byName = new Map(specials.map((s) => [s.id, s]));
    const missing: { single: string | null; pair: string | null } = { single: null, pair: null };
    const parse = (key: 'single' | 'pair'): TemplatePiece[] =>
      node.array(key).map((item, i) => {
        const piece = pieceFromJSON(item, `${where}.${key}[${i}]`);
        if (piece.kind === 'sequence') return piece;
        const s = byName.get(piece.name);
        if (s === undefined) missing[key] ??= piece.name;
        return { ...piece, ids: s?.ids ?? [], tokens: s?.tokens ?? [] };
      });
    const processor = new TemplateProcessing({ single: parse('single'), pair: parse('pair'), specialTokens: specials });
    processor.missing = missing;
    return processor;
  }
}

function parseTemplate(template: string, specials: ReadonlyMap<string, TemplateSpecialToken>): TemplatePiece[] {
  return template
    .split(/\s+/)
    .filter((w) => w.length > 0)
    .map((word) => {
      const colon = word.lastIndexOf(':');
      const hasType = colon > 0 && /^\d+$/.test(word.slice(colon + 1));
      const name = hasType ? word.slice(0, colon) : word;
      const typeId = hasType ? Number(word.slice(colon + 1)) : 0;
      if (name === '$A' || name === '$' || name === '$0') return { kind: 'sequence', sequence: 0, typeId } as const;
      if (name === '$B' || name === '$1') return { kind: 'sequence', sequence: 1, typeId } as const;
      if (name.startsWith('$') && /^\$\d+$/.test(name)) return { kind: 'sequence', sequence: 0, typeId: Number(name.slice(1)) } as const;
      return specialPiece(name, typeId, specials);
    });
}

function specialPiece(name: string, typeId: number, specials: ReadonlyMap<string, TemplateSpecialToken>): TemplatePiece {
  const s = specials.get(name);
  if (s === undefined) throw new TokenizerConfigError(`TemplateProcessing: special token ${quote(name)} is used in a template but missing from specialTokens`);
  return { kind: 'special', name, ids: s.ids, tokens: s.tokens, typeId };
}

function pieceToJSON(p: TemplatePiece): Record<string, { id: string; type_id: number }> {
  return p.kind === 'special'
    ? { SpecialToken: { id: p.name, type_id: p.typeId } }
    : { Sequence: { id: p.sequence === 0 ? 'A' : 'B', type_id: p.typeId } };
}

function pieceFromJSON(item: unknown, where: string): TemplatePiece {
  if (!isPlainObject(item)) throw badValue(where, 'a {"Sequence"} or {"SpecialToken"} piece', item);
  if (Object.hasOwn(item, 'Sequence')) {
    const p = new Fields(item.Sequence, `${where}.Sequence`);
    const id = p.oneOf('id', ['A', 'B'] as const);
    return { kind: 'sequence', sequence: id === 'B' ? 1 : 0, typeId: p.count('type_id', undefined, 0xffffffff) };
  }
  if (Object.hasOwn(item, 'SpecialToken')) {
    const p = new Fields(item.SpecialToken, `${where}.SpecialToken`);
    return { kind: 'special', name: p.string('id'), ids: [], tokens: [], typeId: p.count('type_id', undefined, 0xffffffff) };
  }
  throw badValue(where, 'a {"Sequence"} or {"SpecialToken"} piece', item);
}

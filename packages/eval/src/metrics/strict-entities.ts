// seqeval's strict mode (mode='strict' with a scheme): an entity counts only when its tags follow
// the scheme exactly — in IOB2 an I- without a B- starts nothing, in IOBES a chunk must close with
// E-/S-. Port of seqeval.scheme's Token pattern tables and Tokens.entities walk.
import { ConfigError } from '@llmkit/core';

export type TaggingScheme = 'IOB2' | 'IOE2' | 'IOBES' | 'BILOU';

type Prefix = 'I' | 'O' | 'B' | 'E' | 'S' | 'U' | 'L';
/** [previous prefixes, current prefixes, tag condition]; '*' is any prefix. */
type Pattern = [string, string, 'same' | 'diff' | 'any'];

interface SchemeTable {
  allowed: string;
  start: Pattern[];
  inside: Pattern[];
  end: Pattern[];
}

const ANY = 'IOBESUL';
const SCHEMES: Record<TaggingScheme, SchemeTable> = {
  IOB2: {
    allowed: 'IOB',
    start: [[ANY, 'B', 'any']],
    inside: [['B', 'I', 'same'], ['I', 'I', 'same']],
    end: [['I', 'O', 'any'], ['I', 'I', 'diff'], ['I', 'B', 'any'], ['B', 'O', 'any'], ['B', 'I', 'diff'], ['B', 'B', 'any']],
  },
  IOE2: {
    allowed: 'IOE',
    start: [['O', 'I', 'any'], ['O', 'E', 'any'], ['E', 'I', 'any'], ['E', 'E', 'any'], ['I', 'I', 'diff'], ['I', 'E', 'diff']],
    inside: [['I', 'E', 'same'], ['I', 'I', 'same']],
    end: [['E', ANY, 'any']],
  },
  IOBES: {
    allowed: 'IOBES',
    start: [[ANY, 'B', 'any'], [ANY, 'S', 'any']],
    inside: [['B', 'I', 'same'], ['B', 'E', 'same'], ['I', 'I', 'same'], ['I', 'E', 'same']],
    end: [['S', ANY, 'any'], ['E', ANY, 'any']],
  },
  BILOU: {
    allowed: 'BILOU',
    start: [[ANY, 'B', 'any'], [ANY, 'U', 'any']],
    inside: [['B', 'I', 'same'], ['B', 'L', 'same'], ['I', 'I', 'same'], ['I', 'L', 'same']],
    end: [['U', ANY, 'any'], ['L', ANY, 'any']],
  },
};

interface Token {
  prefix: Prefix;
  tag: string;
}

function parse(token: string, suffix: boolean, scheme: TaggingScheme, where: string): Token {
  const prefix = (suffix ? token[token.length - 1] : token[0]) as Prefix;
  if (!prefix || !ANY.includes(prefix)) throw new ConfigError(`${where}: tag '${token}' has no prefix I, O, B, E, S, U or L`);
  if (!SCHEMES[scheme].allowed.includes(prefix)) throw new ConfigError(`${where}: tag '${token}' is not allowed in ${scheme} (prefixes ${[...SCHEMES[scheme].allowed].join(', ')})`);
  const rest = suffix ? token.slice(0, -1) : token.slice(1);
  return { prefix, tag: rest.replace(/^-+|-+$/g, '') || '_' };
}

function matches(prev: Token, cur: Token, patterns: Pattern[]): boolean {
  return patterns.some(([p, c, cond]) => p.includes(prev.prefix) && c.includes(cur.prefix) && (cond === 'any' || (cond === 'same') === (prev.tag === cur.tag)));
}

/** Entities of each sentence under `scheme`, as seqeval's `Entities(...).entities`. */
export function strictEntities(sentences: readonly (readonly string[])[], scheme: TaggingScheme, suffix = false): { sentence: number; type: string; start: number; end: number }[] {
  const where = 'entityScores (strict)';
  const table = SCHEMES[scheme];
  if (!table) throw new ConfigError(`${where}: 'scheme' must be 'IOB2', 'IOE2', 'IOBES' or 'BILOU'; got ${String(scheme)}`);
  const out: { sentence: number; type: string; start: number; end: number }[] = [];
  sentences.forEach((sent, sid) => {
    const outside: Token = { prefix: 'O', tag: '_' };
    const tokens = [...sent.map((t) => parse(t, suffix, scheme, where)), outside];
    let i = 0;
    let prev = outside;
    while (i < tokens.length) {
      const token = tokens[i]!;
      if (matches(prev, token, table.start)) {
        // Walk while the next tokens continue the chunk; `end` is the first one that does not.
        let end = i + 1;
        let p = token;
        while (end < tokens.length && matches(p, tokens[end]!, table.inside)) p = tokens[end++]!;
        if (end >= tokens.length) end = sent.length - 1;
        if (matches(tokens[end - 1]!, tokens[end]!, table.end)) out.push({ sentence: sid, type: token.tag, start: i, end });
        i = end;
      } else {
        i++;
      }
      prev = tokens[i - 1]!;
    }
  });
  return out;
}

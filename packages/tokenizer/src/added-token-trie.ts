// Leftmost-longest matching of added tokens with a radix trie (edges hold whole substrings), so that
// a 50 MB token costs one edge and one startsWith, not a 50 MB regular expression; HF tokenizers
// matches with an Aho-Corasick automaton in the same leftmost-longest mode.

interface TrieNode {
  /** Children by the first UTF-16 unit of their edge label. */
  children: Map<number, TrieEdge> | null;
  /** Index of the token ending here, or -1. */
  token: number;
}

interface TrieEdge {
  label: string;
  node: TrieNode;
}

const newNode = (): TrieNode => ({ children: null, token: -1 });

/** A set of strings; `longestAt(text, i)` is the longest of them starting at `i`. */
export class AddedTokenTrie {
  private readonly root = newNode();
  private count = 0;
  /** 1 at each UTF-16 unit that starts some token: the scan skips every other position without a lookup. */
  readonly firstUnits = new Uint8Array(0x10000);

  get size(): number {
    return this.count;
  }

  /** Adds `content` as token number `index`; an empty one can never match and is left out (as in HF). */
  insert(content: string, index: number): void {
    if (content.length === 0) return;
    this.firstUnits[content.charCodeAt(0)] = 1;
    let node = this.root;
    let pos = 0;
    while (pos < content.length) {
      const first = content.charCodeAt(pos);
      node.children ??= new Map();
      const edge = node.children.get(first);
      if (edge === undefined) {
        const leaf = newNode();
        node.children.set(first, { label: pos === 0 ? content : content.slice(pos), node: leaf });
        node = leaf;
        pos = content.length;
        break;
      }
      const label = edge.label;
      let k = 1;
      const max = Math.min(label.length, content.length - pos);
      while (k < max && label.charCodeAt(k) === content.charCodeAt(pos + k)) k++;
      if (k < label.length) {
        // Split the edge where the new content leaves it.
        const middle: TrieNode = { children: new Map([[label.charCodeAt(k), { label: label.slice(k), node: edge.node }]]), token: -1 };
        edge.label = label.slice(0, k);
        edge.node = middle;
      }
      node = edge.node;
      pos += k;
    }
    if (node.token < 0) this.count++;
    node.token = index;
  }

  /** [token index, end] of the longest token starting at `start`, or null. */
  longestAt(text: string, start: number): [number, number] | null {
    let node = this.root;
    let pos = start;
    let best: [number, number] | null = null;
    while (node.children !== null && pos < text.length) {
      const edge = node.children.get(text.charCodeAt(pos));
      if (edge === undefined || !text.startsWith(edge.label, pos)) break;
      pos += edge.label.length;
      node = edge.node;
      if (node.token >= 0) best = [node.token, pos];
    }
    return best;
  }
}

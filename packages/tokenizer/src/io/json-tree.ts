// Builds a component tree (a normalizer or pre-tokenizer `Sequence` of Sequences…) from untrusted
// JSON without recursion: an explicit stack, children built before their parent.
import { Fields } from './untrusted.js';

/**
 * Post-order construction: `childrenOf(node)` names the node's child list (or null for a leaf), and
 * `build(node, children)` makes the component once its children exist.
 */
export function buildTree<T>(
  root: unknown,
  where: string,
  childrenOf: (node: Fields) => { key: string; items: unknown[] } | null,
  build: (node: Fields, children: T[] | null) => T,
): T {
  interface Frame {
    node: Fields;
    items: unknown[] | null;
    key: string;
    built: T[];
  }
  const open = (value: unknown, at: string): Frame => {
    const node = new Fields(value, at);
    const list = childrenOf(node);
    return { node, items: list?.items ?? null, key: list?.key ?? '', built: [] };
  };
  const stack: Frame[] = [open(root, where)];
  for (;;) {
    const top = stack[stack.length - 1]!;
    if (top.items !== null && top.built.length < top.items.length) {
      const i = top.built.length;
      stack.push(open(top.items[i], `${top.node.where}.${top.key}[${i}]`));
      continue;
    }
    const made = build(top.node, top.items === null ? null : top.built);
    stack.pop();
    if (stack.length === 0) return made;
    stack[stack.length - 1]!.built.push(made);
  }
}

// Finds a repeated key in JSON text. JSON.parse silently keeps the last of two equal keys, so a
// header naming one tensor twice would lose a tensor (or a metadata entry) without a word.

/** Where a key is repeated: the key, and the key of the object that holds it (undefined at top level). */
export interface DuplicateKey {
  key: string;
  parent: string | undefined;
}

interface ObjectFrame {
  keys: Set<string>;
  parent: string | undefined;
  last: string | undefined;
}

/** The first key repeated within one object of `text`, which must already be valid JSON. */
export function findDuplicateKey(text: string): DuplicateKey | undefined {
  // One frame per open container; arrays are `null` (their strings are values, not keys).
  const stack: (ObjectFrame | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      while (text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c /* \ */ ? 2 : 1;
      if (expectKey) {
        const frame = stack[stack.length - 1] as ObjectFrame;
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (frame.keys.has(key)) return { key, parent: frame.parent };
        frame.keys.add(key);
        frame.last = key;
        expectKey = false;
      }
      i = j;
    } else if (c === 0x7b /* { */) {
      const outer = stack[stack.length - 1];
      stack.push({ keys: new Set(), parent: outer ? outer.last : undefined, last: undefined });
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      stack.push(null);
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      expectKey = stack[stack.length - 1] != null;
    }
  }
  return undefined;
}

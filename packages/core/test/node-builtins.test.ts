// isNode and importBuiltin: the one copy every llmkit package uses (see packages/testkit/test/node-builtins.test.ts).
import { describe, it, expect } from 'vitest';
import { importBuiltin, isNode } from '@llmkit/core';

describe('node builtins', () => {
  it('isNode is true in Node and false where globalThis has no process (a browser)', () => {
    expect(isNode()).toBe(true);
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'process')!;
    Object.defineProperty(globalThis, 'process', { value: undefined, configurable: true, writable: true });
    try {
      expect(isNode()).toBe(false);
    } finally {
      Object.defineProperty(globalThis, 'process', descriptor);
    }
    expect(isNode()).toBe(true);
  });

  it('importBuiltin loads a Node builtin by a specifier held in a variable', async () => {
    const path = await importBuiltin<typeof import('node:path')>('node:path');
    expect(path.posix.join('a', 'b')).toBe('a/b');
    await expect(importBuiltin('node:no-such-builtin')).rejects.toThrow();
  });
});

// The README's example (examples/use-cpu.ts, included verbatim) runs as written.
import { describe, expect, it, vi } from 'vitest';
import { currentBackend } from '@llmkit/core';

describe('README examples', () => {
  it('use-cpu.ts activates cpu and prints the device', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await import('../examples/use-cpu.js');
    const calls = log.mock.calls;
    log.mockRestore();
    expect(currentBackend().name).toBe('cpu');
    expect(calls).toHaveLength(1);
    expect(calls[0]![0]).toMatch(/ \(pure JavaScript, 1 thread\)$/);
  });
});

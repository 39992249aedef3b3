import { describe, expect, test } from 'vitest';
import { TokenizerConfigError, TokenizerError, TokenizerFormatError, UnsupportedComponentError } from '../src/index.js';

describe('errors', () => {
  test('isInstance matches by marker and name, not by class identity (two copies of the package)', () => {
    const e = new UnsupportedComponentError('model Unigram');
    // What a second copy of the package would throw: same markers, different class objects.
    const foreign = Object.assign(new Error('x'), { code: 'TokenizerFormatError', [Symbol.for('llmkit.tokenizer.error')]: true });
    expect(TokenizerError.isInstance(e)).toBe(true);
    expect(UnsupportedComponentError.isInstance(e)).toBe(true);
    expect(TokenizerConfigError.isInstance(e)).toBe(false);
    expect(TokenizerFormatError.isInstance(foreign)).toBe(true);
    expect(TokenizerError.isInstance(new Error('plain'))).toBe(false);
  });

  test('errors carry the shared llmkit marker so @llmkit/core’s LlmkitError.isInstance accepts them', () => {
    const e = new TokenizerConfigError('bad');
    expect((e as unknown as Record<symbol, unknown>)[Symbol.for('llmkit.error')]).toBe(true);
    expect(e.name).toBe('TokenizerConfigError');
    expect(e.code).toBe('TokenizerConfigError');
    expect(e.message).toBe('bad');
  });
});

describe('errors of the built package (dist, as bundled by tsup)', () => {
  test('code and name are the documented class names after bundling, and isInstance works across the two copies', async () => {
    const built = await import('@llmkit/tokenizer');
    for (const name of ['TokenizerError', 'TokenizerConfigError', 'TokenizerFormatError', 'UnsupportedComponentError'] as const) {
      const e = name === 'UnsupportedComponentError' ? new built.UnsupportedComponentError('model X') : new built[name]('m');
      expect(e.code).toBe(name);
      expect(e.name).toBe(name);
    }
    let thrown: unknown;
    try {
      built.Tokenizer.fromJSON('{');
    } catch (e) {
      thrown = e;
    }
    expect((thrown as { code?: string }).code).toBe('TokenizerFormatError');
    // The source's classes recognise the dist's errors and the other way round.
    expect(TokenizerFormatError.isInstance(thrown)).toBe(true);
    expect(built.TokenizerFormatError.isInstance(new TokenizerFormatError('x'))).toBe(true);
    expect(built.TokenizerConfigError.isInstance(thrown)).toBe(false);
  });
});

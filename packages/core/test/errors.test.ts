import { describe, it, expect } from 'vitest';
import { BackendError, ConfigError, LlmkitError, ResourceError, SafetensorsError, ShapeError, StateDictError } from '@llmkit/core';

describe('typed errors', () => {
  const classes = [ShapeError, ConfigError, BackendError, ResourceError, StateDictError, SafetensorsError];

  it('each class names itself and is an LlmkitError', () => {
    for (const C of classes) {
      const e = new C('boom');
      expect(e.name).toBe(C.name);
      expect(e.code).toBe(C.name);
      expect(e).toBeInstanceOf(LlmkitError);
      expect(LlmkitError.isInstance(e)).toBe(true);
      expect(C.isInstance(e)).toBe(true);
    }
  });

  it('isInstance tells subclasses apart and rejects foreign errors', () => {
    expect(ShapeError.isInstance(new ConfigError('x'))).toBe(false);
    expect(LlmkitError.isInstance(new Error('x'))).toBe(false);
    expect(LlmkitError.isInstance(null)).toBe(false);
    expect(LlmkitError.isInstance('ShapeError')).toBe(false);
  });

  it('recognises an error from another copy of the package (same Symbol.for marker)', () => {
    // What a second copy of @llmkit/core would construct: a different class, the same marker.
    const foreign = Object.assign(new Error('from a second copy'), { [Symbol.for('llmkit.error')]: true, code: 'ShapeError' });
    expect(ShapeError.isInstance(foreign)).toBe(true);
    expect(ConfigError.isInstance(foreign)).toBe(false);
  });

  it('keeps the cause', () => {
    const cause = new Error('root');
    expect(new BackendError('wrapped', { cause }).cause).toBe(cause);
  });
});

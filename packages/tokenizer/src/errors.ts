// Typed errors of @llmkit/tokenizer. The package stands alone (no @llmkit/core), but follows core's
// pattern: a Symbol.for marker and a static isInstance(), so two copies of the package still agree.
// Each class spells its code as a string: a bundler may rename classes (`_TokenizerError`), so the
// code never comes from the constructor's name.

const LLMKIT_MARK = Symbol.for('llmkit.error');
const TOKENIZER_MARK = Symbol.for('llmkit.tokenizer.error');

/** Base class of every error this package throws; `LlmkitError.isInstance()` from core accepts it too. */
export class TokenizerError extends Error {
  /** The code of errors of this class. */
  static readonly code: string = 'TokenizerError';
  readonly [LLMKIT_MARK] = true;
  readonly [TOKENIZER_MARK] = true;
  /** Stable machine-readable name, e.g. `'UnsupportedComponentError'`, also the error's `name`. */
  readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    const code = (new.target as typeof TokenizerError).code;
    this.name = code;
    this.code = code;
  }

  /** True for a tokenizer error (or the given subclass), from any copy of the package. */
  static isInstance(value: unknown): value is TokenizerError {
    if (typeof value !== 'object' || value === null) return false;
    if (!(value as Record<symbol, unknown>)[TOKENIZER_MARK]) return false;
    return this.code === TokenizerError.code || (value as TokenizerError).code === this.code;
  }
}

/** An option or argument was invalid; the message names it, with the expected and actual value. */
export class TokenizerConfigError extends TokenizerError {
  static override readonly code: string = 'TokenizerConfigError';
}

/** A serialized component (`"type": ...`) or option that this package does not implement. */
export class UnsupportedComponentError extends TokenizerError {
  static override readonly code: string = 'UnsupportedComponentError';
  /** The component's kind and type, e.g. `'normalizer Replace'`. */
  readonly component: string;
  constructor(component: string, detail = '') {
    super(`unsupported tokenizer component: ${component}${detail ? ` (${detail})` : ''}`);
    this.component = component;
  }
}

/** A vocabulary, merges or tokenizer.json file was malformed; the message names the file and field. */
export class TokenizerFormatError extends TokenizerError {
  static override readonly code: string = 'TokenizerFormatError';
}

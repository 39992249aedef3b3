// Typed errors for every llmkit package. Two copies of a package can meet in one program,
// so errors carry a Symbol.for marker and a static isInstance() instead of relying on instanceof.

const MARK = Symbol.for('llmkit.error');

/** Base class of every error llmkit throws. */
export class LlmkitError extends Error {
  readonly [MARK] = true;
  /** Stable machine-readable name, e.g. `'ShapeError'`. */
  readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = new.target.name;
  }

  /** True for any llmkit error (or one of the subclass), from any copy of the package. */
  static isInstance(value: unknown): value is LlmkitError {
    if (typeof value !== 'object' || value === null || !(value as Record<symbol, unknown>)[MARK]) return false;
    // On a subclass, match by name so that `ShapeError.isInstance(e)` rejects a `ConfigError`.
    return this === LlmkitError || (value as LlmkitError).code === this.name;
  }
}

/** A tensor had the wrong shape, rank or dtype. */
export class ShapeError extends LlmkitError {}
/** A configuration object or option was invalid. */
export class ConfigError extends LlmkitError {}
/** A backend was unknown, not installed or failed to initialise. */
export class BackendError extends LlmkitError {}
/**
 * A memory or device limit was reached (e.g. WebAssembly's 4 GiB heap); the message names the
 * allocation and what to make smaller.
 */
export class ResourceError extends LlmkitError {}
/** A state dict did not match a module (missing, unexpected or mis-shaped keys). */
export class StateDictError extends LlmkitError {}
/** A safetensors file or buffer was malformed. */
export class SafetensorsError extends LlmkitError {}

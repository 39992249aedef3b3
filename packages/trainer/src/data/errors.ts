// The error a data pipeline throws when the corpus itself is at fault (a missing file, a bad JSON
// line, a missing field or column); bad options are core's ConfigError.
import { LlmkitError } from '@llmkit/core';

/** A corpus file could not be read as configured; the message names the file, line or row, and the field. */
export class DataError extends LlmkitError {}

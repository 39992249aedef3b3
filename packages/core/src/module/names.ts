// The rules for the local name of a parameter, buffer or child module: one segment of a dotted
// state-dict path, so it can be neither empty nor contain '.', and is unique within its module.
import { ConfigError } from '../errors.js';

/** What a name is registered as, for messages like "already registered as a buffer". */
export type EntryKind = 'parameter' | 'buffer' | 'module';

/**
 * Throws a ConfigError unless `name` can be registered: a non-empty string without '.', not
 * yet used by any entry of the module. `where` prefixes the message, e.g. `'MLP.registerParameter'`.
 */
export function checkName(where: string, name: unknown, takenAs: (name: string) => EntryKind | undefined): asserts name is string {
  if (typeof name !== 'string') {
    throw new ConfigError(`${where}: name must be a string, got ${typeof name}`);
  }
  if (name === '') {
    throw new ConfigError(`${where}: name must not be empty`);
  }
  // A '.' would make the dotted path ambiguous: 'a.b' could be a child 'a' or a name 'a.b'.
  if (name.includes('.')) {
    throw new ConfigError(`${where}: name '${name}' must not contain '.'`);
  }
  const kind = takenAs(name);
  if (kind !== undefined) {
    throw new ConfigError(`${where}: name '${name}' is already registered as a ${kind}`);
  }
}

// Where llmkit runs and how its packages reach Node's builtins: one copy for every @llmkit package
// (exported for their use; not part of the modelling API). The tokenizer keeps its own, as it
// imports nothing from core.

/** True in Node (and in Bun's and Deno's Node layers), false in browsers and workers. */
export function isNode(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof proc?.versions?.node === 'string';
}

/**
 * `import()` through a variable specifier, for Node builtins (`'node:fs/promises'`) and Node-only
 * libraries: bundlers (esbuild, webpack, Vite) cannot see it, so a browser bundle never tries to
 * resolve them, where a literal `import('node:fs')` fails the build.
 */
export function importBuiltin<T>(specifier: string): Promise<T> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier) as Promise<T>;
}

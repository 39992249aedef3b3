// Node builtins and Node-only libraries, imported lazily through a variable specifier so that a
// browser bundle of the trainer never tries to resolve them (as @llmkit/core's safetensors files do).

/** `import()` that bundlers cannot see statically. */
export function importBuiltin<T>(specifier: string): Promise<T> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier) as Promise<T>;
}

/** True in Node (or Bun/Deno's Node layer). */
export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

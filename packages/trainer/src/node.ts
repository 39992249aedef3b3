// Node builtins and Node-only libraries, imported lazily so that a browser bundle of the trainer
// never tries to resolve them: core's one copy, re-exported for the trainer's modules.
export { importBuiltin, isNode } from '@llmkit/core';

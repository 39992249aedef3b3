// Modules: the base class that owns parameters, buffers and children by dotted path, its
// containers, and state dicts.
export { Module, isModule, type ParameterOptions, type BufferOptions, type NumParametersOptions } from './module.js';
export { ModuleList } from './module-list.js';
export { ModuleDict } from './module-dict.js';
export type { StateDict, StateDictLike, LoadStateDictOptions, LoadStateDictResult } from './state-dict.js';

// The shared build; `node:` specifiers are kept, so that bundlers can tell Node builtins apart
// (backend-webgpu's browser test replaces node:fs and node:url with shims serving the fixtures).
import { defineConfig } from 'tsup';
import { libraryOptions } from '../../tsup.base.js';

export default defineConfig({ ...libraryOptions, removeNodeProtocol: false });

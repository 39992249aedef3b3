// The shared build, plus the `llmkit-cuda` command (dist/cli.js).
import { defineConfig } from 'tsup';
import { libraryOptions } from '../../tsup.base.js';

export default defineConfig({ ...libraryOptions, entry: ['src/index.ts', 'src/cli.ts'] });

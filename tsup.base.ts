// The build every @llmkit package shares: ESM + .d.ts + source maps for Node >= 20 and browsers.
// A package's tsup.config.ts re-exports it, or extends `libraryOptions` (core adds entries).
import { defineConfig, type Options } from 'tsup';

export const libraryOptions: Options = {
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
};

export default defineConfig(libraryOptions);

import { defineConfig } from 'tsup';
import { libraryOptions } from '../../tsup.base.js';

export default defineConfig({
  ...libraryOptions,
  entry: ['src/index.ts', 'src/kernels/index.ts'],
  // tfjs-core stays external (a peer: one engine per program), except its gradient registration
  // module, which is ESM with extensionless imports that Node cannot load: bundle that one.
  external: [],
  noExternal: [/^@tensorflow\/tfjs-core\/dist\//],
  esbuildPlugins: [
    {
      name: 'tfjs-core-external',
      setup(build) {
        build.onResolve({ filter: /^@tensorflow\/tfjs-core$/ }, (args) => ({ path: args.path, external: true }));
      },
    },
  ],
});

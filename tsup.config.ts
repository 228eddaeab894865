import { defineConfig } from 'tsup';

// One entry, two module systems: dist/index.js (ESM) and dist/index.cjs (CJS), each with its
// own declaration file so `types` resolves correctly under both `import` and `require`.
export default defineConfig({
  entry: { index: 'src/ts/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  target: 'node20',
  platform: 'node',
  sourcemap: false,
  clean: true,
  shims: true,
  splitting: false,
  // esbuild renames self-referencing classes (`class _AsyncDatabase`); users would see that name
  // in inspect output, errors and `AsyncDatabase.name`.
  keepNames: true,
});

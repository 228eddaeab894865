import { readdirSync, existsSync } from 'node:fs';
import { defineConfig } from 'tsup';

// The ORM and query-builder adapters (`sqlite-strand/kysely`, `/drizzle`, `/knex`, `/prisma`): one
// entry per folder of src/ts/adapters that has an index.ts, built after the main entry (npm run
// build:ts runs the two configs in turn).
//
// Each adapter imports the library as 'sqlite-strand' and that import stays external, so at run time
// it resolves through the package's own "exports" to the same dist/index.{js,cjs} a user loads: one
// AsyncDatabase class, whether the user imports the adapter or the library first. Bundling the
// library into each adapter would give every adapter its own copy of the classes (and `instanceof`
// would fail across them). The ORMs themselves are optional peer dependencies, external too.
const adapters = existsSync('src/ts/adapters')
  ? readdirSync('src/ts/adapters', { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(`src/ts/adapters/${d.name}/index.ts`))
      .map((d) => d.name)
  : [];

export default defineConfig({
  entry: Object.fromEntries(adapters.map((name) => [name, `src/ts/adapters/${name}/index.ts`])),
  format: ['esm', 'cjs'],
  dts: true,
  target: 'node20',
  platform: 'node',
  sourcemap: false,
  clean: false, // dist/ holds the main entry, built just before
  splitting: false,
  keepNames: true,
  external: [/^sqlite-strand(\/|$)/, /^kysely(\/|$)/, /^drizzle-orm(\/|$)/, /^knex(\/|$)/, /^@prisma\//],
});

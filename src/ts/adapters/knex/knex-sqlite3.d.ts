// knex ships no types for its dialect modules; this is the one the adapter loads at run time
// (see sqlite3-dialect.ts, which gives it its real shape).
declare module 'knex/lib/dialects/sqlite3/index.js' {
  const Client_SQLite3: unknown;
  export default Client_SQLite3;
}

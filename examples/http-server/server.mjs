// The example's HTTP server: node:http, no framework, on the driver of your choice.
//
//   node examples/http-server/server.mjs [--driver async|sync|better-sqlite3] [--db blog.db]
//                                        [--port 3000] [--host 127.0.0.1] [--readers 2]
//
// A database file that does not exist yet is created and seeded first (seed.mjs). Once
// listening it prints `listening on http://HOST:PORT (driver: NAME)` — with `--port 0` the port
// the system chose. SIGINT or SIGTERM shuts it down gracefully: no new connections, in-flight
// requests finish, then the database is closed and the process exits with code 0.
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { DRIVERS, isAvailable } from './drivers.mjs';
import { createHandler } from './routes.mjs';
import { seed } from './seed.mjs';

const { values: options } = parseArgs({
  options: {
    driver: { type: 'string', default: 'async' },
    db: { type: 'string', default: 'blog.db' },
    port: { type: 'string', default: '3000' },
    host: { type: 'string', default: '127.0.0.1' },
    readers: { type: 'string', default: '2' },
  },
});
if (!(options.driver in DRIVERS)) {
  console.error(`unknown --driver ${options.driver}; one of: ${Object.keys(DRIVERS).join(', ')}`);
  process.exit(2);
}
if (!isAvailable(options.driver)) {
  console.error(`--driver ${options.driver} is not installed here (npm run bench installs better-sqlite3 into bench/node_modules)`);
  process.exit(2);
}

if (!existsSync(options.db)) {
  console.log(`seeding ${options.db} …`);
  seed(options.db);
}
const store = await DRIVERS[options.driver].open(options.db, { readers: Number(options.readers) });
let stopping = false;
// Once shutting down, replies close their connections: the requests in flight end normally, and
// their keep-alive sockets do not hold the shutdown up.
const handler = createHandler(store, { driver: options.driver, closing: () => stopping });
const server = createServer({ keepAliveTimeout: 5000 }, handler);
server.listen(Number(options.port), options.host);
await once(server, 'listening');
console.log(`listening on http://${options.host}:${server.address().port} (driver: ${options.driver})`);

async function shutdown(signal) {
  if (stopping) {
    console.error(`${signal} again: exiting without waiting`);
    process.exit(1);
  }
  stopping = true;
  // close() stops accepting and ends the idle keep-alive connections; busy ones end after their
  // response. A request still running after 5 s is cut off.
  const closed = new Promise((resolve) => server.close(resolve));
  console.log(`${signal}: shutting down`);
  setTimeout(() => server.closeAllConnections(), 5000).unref();
  await closed;
  await store.close();
  console.log(`${signal}: server and database closed`);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

// Runs in a worker thread: the addon must load (and be freed) per worker environment.
const { parentPort } = require('node:worker_threads');
const { DatabaseSync } = require('sqlite-strand');

const db = new DatabaseSync(':memory:');
db.exec('CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3)');
const { sum } = db.prepare('SELECT sum(x) AS sum FROM t').get();
db.close();
parentPort.postMessage({ sum });

// examples/http-server keeps working: for each driver the server runs in a child process on a
// port the system picks, on a small seeded database. Every endpoint's JSON is checked against
// what the test computes itself from the database (status codes, the 400/404/405/413 paths, a
// POST seen by the GETs after it, a 500 once a table is gone), load.mjs runs with tiny bounds and
// must report well-formed figures, and a SIGTERM during a POST must let that POST finish, refuse
// new connections and end the server with exit code 0 after it closed its database. No timing is asserted; compare.mjs runs once, one short round.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { DatabaseSync } from '../../dist/index.js';
import { projectRoot, tempDir } from '../helpers.mjs';
import { seed } from '../../examples/http-server/seed.mjs';
import { isAvailable } from '../../examples/http-server/drivers.mjs';

const example = (name) => join(projectRoot, 'examples', 'http-server', name);
const SIZE = { users: 200, posts: 2000 };

/** Resolves once `read()` matches `pattern`, re-checked at each `onData` — at most 30 s (a failure bound, not a wait). */
function watch(read) {
  const waiters = new Set();
  const check = () => {
    for (const waiter of waiters) if (waiter.pattern.test(read())) waiter.resolve();
  };
  const until = (pattern) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`never printed ${pattern}:\n${read()}`)), 30_000);
      const waiter = { pattern, resolve: () => (clearTimeout(timer), waiters.delete(waiter), resolve()) };
      waiters.add(waiter);
      check();
    });
  return { check, until };
}

/** Starts server.mjs; resolves once it prints its URL. stop() sends a signal and waits for the exit. */
async function startServer(driver, file) {
  const child = spawn(process.execPath, [example('server.mjs'), '--driver', driver, '--db', file, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit');
  // Should this process end first (a failed assertion that leaves a promise pending), no server outlives it.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  let stdout = '';
  let stderr = '';
  const stdoutWatch = watch(() => stdout);
  const stderrWatch = watch(() => stderr);
  child.stdout.setEncoding('utf8').on('data', (d) => ((stdout += d), stdoutWatch.check()));
  child.stderr.setEncoding('utf8').on('data', (d) => ((stderr += d), stderrWatch.check()));
  const ended = Promise.all([exited, once(child.stdout, 'close'), once(child.stderr, 'close')]);
  const url = await Promise.race([
    stdoutWatch.until(/^listening on http:\/\/127\.0\.0\.1:\d+ \(driver: \S+\)$/m).then(() => stdout.match(/^listening on (\S+)/m)[1]),
    exited.then(([code, signal]) => Promise.reject(new Error(`exited before listening (${signal ?? code}): ${stderr}`))),
  ]);
  return {
    url,
    output: () => ({ stdout, stderr }),
    printed: stdoutWatch.until,
    logged: stderrWatch.until,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const kill = setTimeout(() => child.kill('SIGKILL'), 30_000); // a shutdown that hangs fails, not stalls
      const [[code, signalled]] = await ended;
      clearTimeout(kill);
      process.off('exit', killOnExit);
      return { code, signal: signalled };
    },
  };
}

/** One HTTP request on a connection of its own; resolves with the status, headers and parsed JSON. */
function call(url, method, path, body) {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, url), { method, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d) => (text += d));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode, headers: res.headers, json: JSON.parse(text) });
        } catch (error) {
          reject(new Error(`${method} ${path}: not JSON: ${text}`, { cause: error }));
        }
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** What the API should answer, computed in JS from the rows (not with the example's SQL). */
function expectations(file) {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const users = new Map(db.prepare('SELECT * FROM users').all().map((u) => [u.id, u]));
    const tagNames = new Map(db.prepare('SELECT * FROM tags').all().map((t) => [t.id, t.name]));
    const tagsOf = new Map();
    for (const { post_id, tag_id } of db.prepare('SELECT * FROM post_tags').all()) {
      tagsOf.set(post_id, [...(tagsOf.get(post_id) ?? []), tagNames.get(tag_id)].sort());
    }
    const posts = db.prepare('SELECT * FROM posts').all();
    const byAuthor = new Map();
    for (const post of posts) byAuthor.set(post.author_id, [...(byAuthor.get(post.author_id) ?? []), post]);
    const topAuthors = [...byAuthor]
      .map(([id, mine]) => {
        const dates = mine.map((p) => p.created_at).sort();
        return {
          id,
          name: users.get(id).name,
          posts: mine.length,
          firstPost: dates[0],
          lastPost: dates.at(-1),
          activeMonths: new Set(dates.map((d) => d.slice(0, 7))).size,
        };
      })
      .sort((a, b) => b.posts - a.posts || a.id - b.id)
      .slice(0, 20);
    const latestOf = (author, limit) =>
      byAuthor
        .get(author)
        .sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : b.id - a.id))
        .slice(0, limit)
        .map((p) => ({ id: p.id, authorId: p.author_id, title: p.title, excerpt: p.body.slice(0, 120), createdAt: p.created_at, tags: tagsOf.get(p.id) ?? [] }));
    const user = (id) => {
      const u = users.get(id);
      return { id: u.id, name: u.name, email: u.email, createdAt: u.created_at };
    };
    return { topAuthors, latestOf, user, userCount: users.size, postCount: posts.length };
  } finally {
    db.close();
  }
}

async function checkReads(url, driver, expected) {
  let r = await call(url, 'GET', '/health');
  assert.equal([r.status, r.json], [200, { status: 'ok', driver }]);
  assert.match(r.headers['content-type'], /^application\/json/);

  r = await call(url, 'GET', '/users/1');
  assert.equal([r.status, r.json], [200, expected.user(1)]);
  r = await call(url, 'GET', `/users/${expected.userCount + 1}`);
  assert.equal([r.status, r.json], [404, { error: `user ${expected.userCount + 1} not found` }]);
  for (const bad of ['abc', '0', '-1', '1.5', '99999999999999999', '%20']) {
    r = await call(url, 'GET', `/users/${bad}`);
    assert.is(r.status, 400, `/users/${bad}`);
    assert.type(r.json.error, 'string');
  }

  r = await call(url, 'GET', '/report');
  assert.equal([r.status, r.json], [200, { topAuthors: expected.topAuthors }]);

  const author = expected.topAuthors[0].id;
  r = await call(url, 'GET', `/posts?author=${author}&limit=3`);
  assert.equal([r.status, r.json], [200, expected.latestOf(author, 3)]);
  r = await call(url, 'GET', '/posts?limit=2');
  assert.is(r.status, 200);
  assert.equal(r.json.map((p) => p.id), [expected.postCount, expected.postCount - 1]);
  for (const query of ['limit=0', 'limit=101', 'limit=x', 'author=abc', 'author=']) {
    r = await call(url, 'GET', `/posts?${query}`);
    assert.is(r.status, 400, query);
  }
  r = await call(url, 'GET', `/posts/${expected.postCount + 1}`);
  assert.equal([r.status, r.json], [404, { error: `post ${expected.postCount + 1} not found` }]);

  r = await call(url, 'GET', '/nope');
  assert.equal([r.status, r.json], [404, { error: 'not found' }]);
  r = await call(url, 'DELETE', '/users/1');
  assert.equal([r.status, r.headers.allow, r.json], [405, 'GET', { error: 'method DELETE not allowed' }]);
}

async function checkWrites(url, expected) {
  const author = expected.topAuthors[1].id;
  const input = { authorId: author, title: '  A new post  ', body: 'Written by the test.', tags: ['sqlite', 'zz-new-tag', 'sqlite'] };
  let r = await call(url, 'POST', '/posts', JSON.stringify(input));
  assert.is(r.status, 201, JSON.stringify(r.json));
  const id = expected.postCount + 1;
  assert.is(r.headers.location, `/posts/${id}`);
  const created = { id, authorId: author, title: 'A new post', body: 'Written by the test.', createdAt: r.json.createdAt, tags: ['sqlite', 'zz-new-tag'] };
  assert.equal(r.json, created);
  assert.ok(!Number.isNaN(Date.parse(created.createdAt)), created.createdAt);

  r = await call(url, 'GET', `/posts/${id}`);
  assert.equal([r.status, r.json], [200, created]);
  r = await call(url, 'GET', `/posts?author=${author}&limit=1`);
  const { body, ...listed } = created;
  assert.equal([r.status, r.json], [200, [{ ...listed, excerpt: body }]]);

  const invalid = [
    '{"authorId": 1,',
    '[1, 2]',
    'null',
    JSON.stringify({ ...input, authorId: '1' }),
    JSON.stringify({ ...input, authorId: 0 }),
    JSON.stringify({ ...input, title: '   ' }),
    JSON.stringify({ ...input, body: 7 }),
    JSON.stringify({ ...input, tags: 'sqlite' }),
    JSON.stringify({ ...input, tags: ['Not A Slug'] }),
    JSON.stringify({ ...input, tags: Array.from({ length: 9 }, (_, i) => `t${i}`) }),
  ];
  for (const text of invalid) {
    r = await call(url, 'POST', '/posts', text);
    assert.is(r.status, 400, text);
    assert.type(r.json.error, 'string');
  }
  r = await call(url, 'POST', '/posts', JSON.stringify({ ...input, authorId: expected.userCount + 1 }));
  assert.equal([r.status, r.json], [400, { error: `authorId ${expected.userCount + 1} does not exist` }]);
  r = await call(url, 'POST', '/posts', JSON.stringify({ ...input, body: 'x'.repeat(70_000) }));
  assert.equal(r.status, 413);

  // None of the refused posts was written.
  r = await call(url, 'GET', '/posts?limit=1');
  assert.equal(r.json.map((p) => p.id), [id]);
}

function checkLoad(url, expected) {
  const args = ['--url', url, '--requests', '50', '--concurrency', '4', '--report-clients', '1', '--users', String(expected.userCount), '--json'];
  const r = spawnSync(process.execPath, [example('load.mjs'), ...args], { encoding: 'utf8', timeout: 120_000 });
  assert.is(r.status, 0, r.stderr);
  const figures = JSON.parse(r.stdout);
  assert.equal([figures.requests, figures.concurrency, figures.reportClients, figures.errors], [50, 4, 1, 0]);
  const { p50, p99, max } = figures.latencyMs;
  for (const value of [p50, p99, max, figures.durationMs, figures.requestsPerSecond, figures.reports.p50Ms]) {
    assert.ok(Number.isFinite(value) && value > 0, JSON.stringify(figures));
  }
  assert.ok(p50 <= p99 && p99 <= max, JSON.stringify(figures.latencyMs));
  assert.ok(Number.isInteger(figures.reports.completed) && figures.reports.completed >= 1, JSON.stringify(figures.reports));
}

/**
 * A query failing inside the server (a table dropped behind its back) is a 500 with a logged
 * error, and the server keeps serving — once the table is back, that query works again.
 */
async function checkServerError(server, file) {
  const other = new DatabaseSync(file, { timeout: 5000 });
  try {
    const { sql } = other.prepare("SELECT sql FROM sqlite_schema WHERE name = 'post_tags'").get();
    other.exec('DROP TABLE post_tags');
    let r = await call(server.url, 'GET', '/posts/1');
    assert.equal([r.status, r.json], [500, { error: 'internal server error' }]);
    await server.logged(/GET \/posts\/1: .*no such table: post_tags/);
    r = await call(server.url, 'GET', '/users/1');
    assert.is(r.status, 200);
    other.exec(sql);
    r = await call(server.url, 'GET', '/posts/1');
    assert.equal([r.status, r.json.id, r.json.tags], [200, 1, []]);
  } finally {
    other.close();
  }
}

/**
 * SIGTERM while a POST is in flight: the server stops accepting connections, still answers that
 * POST (its body sent only after the shutdown began), closes its database and exits with 0.
 */
async function checkShutdown(server, expected) {
  const body = JSON.stringify({ authorId: expected.topAuthors[2].id, title: 'Sent during shutdown', body: 'Still written.' });
  const headers = { expect: '100-continue', 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
  const agent = new Agent({ keepAlive: true }); // the server, not the client, must end the connection
  const req = request(new URL('/posts', server.url), { method: 'POST', agent, headers });
  const response = new Promise((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode, connection: res.headers.connection, json: JSON.parse(text) }));
    });
    req.on('error', reject);
  });
  response.catch(() => {}); // awaited below; a reset before then must fail there, not crash the suite
  req.flushHeaders();
  await once(req, 'continue'); // "100 Continue": the server has the request and waits for its body

  const stopped = server.stop('SIGTERM');
  await server.printed(/^SIGTERM: shutting down$/m);
  const late = await call(server.url, 'GET', '/health').then(({ status }) => status, (error) => error.code);
  assert.is(late, 'ECONNREFUSED', 'no new connection once shutting down');

  req.end(body);
  const { status, connection, json } = await response;
  assert.equal([status, json.title, json.body], [201, 'Sent during shutdown', 'Still written.']);
  assert.is(connection, 'close', 'a reply during shutdown lets its keep-alive connection go');
  agent.destroy();
  return stopped;
}

const drivers = ['async', 'sync', ...(isAvailable('better-sqlite3') ? ['better-sqlite3'] : [])];
for (const driver of drivers) {
  test(`server.mjs --driver ${driver}: endpoints, load.mjs, a 500, SIGTERM`, async () => {
    const tmp = tempDir('strand-http-');
    let server;
    try {
      const file = tmp.path('blog.db');
      seed(file, SIZE);
      const expected = expectations(file);
      server = await startServer(driver, file);
      await checkReads(server.url, driver, expected);
      await checkWrites(server.url, expected);
      checkLoad(server.url, expected);
      await checkServerError(server, file);

      const { code, signal } = await checkShutdown(server, expected);
      const { stdout, stderr } = server.output();
      assert.equal({ code, signal }, { code: 0, signal: null }, stderr);
      assert.match(stdout, /\nSIGTERM: shutting down\nSIGTERM: server and database closed\n$/);
      // A synchronous driver's one connection checkpoints and removes the WAL when it closes; had
      // the server exited without closing, blog.db-wal and blog.db-shm would be left. (With readers,
      // which connection closes last is not fixed, and only the writer can remove them.)
      if (driver !== 'async') assert.equal(readdirSync(tmp.dir), ['blog.db']);
    } finally {
      await server?.stop('SIGKILL');
      tmp.remove();
    }
  });
}

test('compare.mjs: one short round per driver writes results.json and chart.svg', () => {
  const tmp = tempDir('strand-http-');
  try {
    const file = tmp.path('blog.db');
    seed(file, SIZE);
    const args = ['--db', file, '--out', tmp.dir, '--rounds', '1', '--requests', '20', '--concurrency', '2'];
    const r = spawnSync(process.execPath, [example('compare.mjs'), ...args], { encoding: 'utf8', timeout: 120_000 });
    assert.is(r.status, 0, r.stdout + r.stderr);
    const results = JSON.parse(readFileSync(tmp.path('results.json'), 'utf8'));
    assert.equal(results.drivers.map((d) => d.name), drivers);
    assert.equal(results.runs.map((run) => run.driver), drivers);
    assert.equal(results.settings, { rounds: 1, requests: 20, concurrency: 2, reportClients: 1, users: SIZE.users, posts: SIZE.posts });
    for (const name of drivers) {
      const m = results.medians[name];
      assert.ok(m.p50 > 0 && m.p50 <= m.p99 && m.p99 <= m.max, JSON.stringify(m));
    }
    assert.equal(results.ratios['sync/async'], {
      p50: Math.round((results.medians.sync.p50 / results.medians.async.p50) * 100) / 100,
      p99: Math.round((results.medians.sync.p99 / results.medians.async.p99) * 100) / 100,
    });
    const svg = readFileSync(tmp.path('chart.svg'), 'utf8');
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.is(svg.match(/<rect x="\d+" y="\d+" width="[\d.]+" height="18"/g).length, 2 * drivers.length, 'a p50 and a p99 bar per driver');
    assert.ok(r.stdout.includes('sync/async: p50 '), r.stdout);
  } finally {
    tmp.remove();
  }
});

test.run();

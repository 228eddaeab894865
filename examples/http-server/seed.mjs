// Creates the example's blog database: users, posts (each with an author), tags and the
// post_tags join table, in WAL mode. The content is made up but shaped like a real blog's — bodies
// of a few hundred characters, a handful of tags per post, a few prolific authors — and it is the
// same on every run (a seeded PRNG), so figures from different runs read the same data.
//
//   node examples/http-server/seed.mjs blog.db [--users 10000] [--posts 200000]
//
// Everything is inserted in one transaction through prepared statements: 200,000 posts take a
// few seconds. The default size makes GET /report (an aggregate over every post's tags) take a
// few hundred milliseconds, while GET /users/:id reads one row in microseconds.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { DatabaseSync } from 'sqlite-strand';

export const DEFAULT_SIZE = { users: 10_000, posts: 200_000 };

const TABLES = `
  CREATE TABLE users (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    email      TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
  );
  CREATE TABLE posts (
    id         INTEGER PRIMARY KEY,
    author_id  INTEGER NOT NULL REFERENCES users(id),
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE tags (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
  );
  CREATE TABLE post_tags (
    post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    tag_id  INTEGER NOT NULL REFERENCES tags(id),
    PRIMARY KEY (post_id, tag_id)
  ) WITHOUT ROWID;
`;
// Built after the rows are in: one sort instead of an index kept up to date at every insert.
const INDEXES = `
  CREATE INDEX posts_by_author ON posts(author_id, created_at);
  CREATE INDEX post_tags_by_tag ON post_tags(tag_id);
`;

const TAGS = `sqlite node javascript typescript rust go python databases performance testing
  security devops linux web css html react vue svelte design ux accessibility mobile cloud
  kubernetes docker networking http json graphql api career books music travel food photography
  cycling running climbing gardening science math history philosophy open-source hardware
  embedded gaming ai`.split(/\s+/);
const WORDS = `the a of to and in is it that for on with as was at by this be from or have an
  not are but all one we can they which do if their will there so what about up out more when
  time into some could them other than then now only its over also back after use two how our
  work first well way even new want because any these give day most query index table thread
  loop event server request latency cache write read page commit journal snapshot lock`.split(/\s+/);
const FIRST = 'Ada Alan Barbara Claude Dennis Edsger Frances Grace Hedy Ivan Jean John Ken Linus Margaret Niklaus Radia Richard Sophie Tim'.split(' ');
const LAST = 'Lovelace Turing Liskov Shannon Ritchie Dijkstra Allen Hopper Lamarr Sutherland Sammet Backus Thompson Torvalds Hamilton Wirth Perlman Stallman Wilson Berners-Lee'.split(' ');

/** mulberry32: a tiny deterministic PRNG, so every seed of the same size holds the same rows. */
function prng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Creates and fills `file`, which must not exist yet. Returns the row counts. */
export function seed(file, { users = DEFAULT_SIZE.users, posts = DEFAULT_SIZE.posts } = {}) {
  if (existsSync(file)) throw new Error(`${file} already exists; seed() only creates new databases`);
  const random = prng(15);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const sentence = (words) => Array.from({ length: words }, () => pick(WORDS)).join(' ');
  const start = Date.parse('2023-01-01T00:00:00Z');
  const span = 2 * 365 * 24 * 3600 * 1000;
  const dateAt = (fraction) => new Date(start + Math.floor(fraction * span)).toISOString();

  const db = new DatabaseSync(file);
  try {
    db.exec('PRAGMA journal_mode = WAL'); // persists in the file: every later connection uses WAL
    db.exec('PRAGMA synchronous = NORMAL');
    db.exec(TABLES);
    const insertUser = db.prepare('INSERT INTO users (id, name, email, created_at) VALUES (?, ?, ?, ?)');
    const insertTag = db.prepare('INSERT INTO tags (id, name) VALUES (?, ?)');
    const insertPost = db.prepare('INSERT INTO posts (id, author_id, title, body, created_at) VALUES (?, ?, ?, ?, ?)');
    const insertPostTag = db.prepare('INSERT OR IGNORE INTO post_tags (post_id, tag_id) VALUES (?, ?)');

    db.exec('BEGIN');
    for (let id = 1; id <= users; id++) {
      const name = `${pick(FIRST)} ${pick(LAST)}`;
      const email = `${name.toLowerCase().replace(/[^a-z]+/g, '.')}.${id}@example.com`;
      insertUser.run(id, name, email, dateAt((random() * id) / users));
    }
    TAGS.forEach((name, i) => insertTag.run(i + 1, name));
    for (let id = 1; id <= posts; id++) {
      // Squaring skews authorship: a few users write most of the posts, as on any real site.
      const author = 1 + Math.floor(random() ** 2 * users);
      const title = sentence(3 + Math.floor(random() * 6));
      const body = sentence(20 + Math.floor(random() * 80));
      insertPost.run(id, author, title[0].toUpperCase() + title.slice(1), body, dateAt(id / posts));
      const tagCount = 1 + Math.floor(random() * 4);
      for (let t = 0; t < tagCount; t++) insertPostTag.run(id, 1 + Math.floor(random() ** 1.5 * TAGS.length));
    }
    db.exec(INDEXES);
    db.exec('COMMIT');
    db.exec('ANALYZE'); // statistics for the query planner
    return { users, posts, tags: TAGS.length };
  } finally {
    db.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { users: { type: 'string' }, posts: { type: 'string' } },
  });
  if (positionals.length !== 1) {
    console.error('usage: node seed.mjs FILE [--users N] [--posts N]');
    process.exit(2);
  }
  const size = {
    users: Number(values.users ?? DEFAULT_SIZE.users),
    posts: Number(values.posts ?? DEFAULT_SIZE.posts),
  };
  const t0 = performance.now();
  const counts = seed(positionals[0], size);
  const seconds = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(`seeded ${positionals[0]}: ${counts.users} users, ${counts.posts} posts, ${counts.tags} tags in ${seconds} s`);
}

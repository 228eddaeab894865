// The store on AsyncDatabase: every query runs on a database thread, so the event loop keeps
// serving requests while GET /report aggregates. With `readers: 2`, reads run on two read-only
// connections in parallel (each read goes to the one with fewer jobs in flight) and writes on
// the writer; every call still sees what the calls issued before it wrote (docs/ASYNC.md).
import { AsyncDatabase } from 'sqlite-strand';
import { SQL, CONNECTION_SETUP, withTags } from './sql.mjs';

export async function openAsyncStore(file, { readers = 2 } = {}) {
  const db = await AsyncDatabase.open(file, { readers, timeout: 5000 });
  try {
    await db.exec(CONNECTION_SETUP);
    const statements = {};
    for (const [name, sql] of Object.entries(SQL)) statements[name] = await db.prepare(sql);
    return asyncStore(db, statements);
  } catch (error) {
    await db.close();
    throw error;
  }
}

function asyncStore(db, s) {
  return {
    ping: () => s.ping.get(),
    user: (id) => s.userById.get(id),
    post: async (id) => withTags(await s.postById.get(id)),
    posts: async ({ author, limit }) => {
      const rows = author === undefined ? await s.latestPosts.all(limit) : await s.postsByAuthor.all(author, limit);
      return rows.map(withTags);
    },
    report: () => s.topAuthors.all(),

    /** Creates a post and its tags in one transaction; returns its id, or null for an unknown author. */
    createPost: ({ authorId, title, body, tags }) =>
      db.transaction(
        async (tx) => {
          if (!(await tx.statement(s.userExists).get(authorId))) return null;
          const created = new Date().toISOString();
          const { lastInsertRowid: id } = await tx.statement(s.insertPost).run(authorId, title, body, created);
          for (const tag of tags) {
            await tx.statement(s.insertTag).run(tag);
            await tx.statement(s.tagPost).run(id, tag);
          }
          return id;
        },
        { mode: 'immediate' },
      ),

    close: () => db.close(), // waits for the queued work, closes every connection, joins the threads
  };
}

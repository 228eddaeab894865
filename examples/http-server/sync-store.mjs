// The same store on a synchronous driver — sqlite-strand's DatabaseSync (the node:sqlite API) or
// better-sqlite3, whose prepare/get/all/run/exec look alike. Every query runs on the JS thread:
// while GET /report aggregates, the event loop is blocked and every other request waits. The
// methods return promises only so that routes.mjs can treat both stores alike.
import { SQL, CONNECTION_SETUP, withTags } from './sql.mjs';

export function openSyncStore(file, Database) {
  const db = new Database(file, { timeout: 5000 });
  try {
    db.exec(CONNECTION_SETUP);
    const s = {};
    for (const [name, sql] of Object.entries(SQL)) s[name] = db.prepare(sql);
    return syncStore(db, s);
  } catch (error) {
    db.close();
    throw error;
  }
}

function syncStore(db, s) {
  const inTransaction = () => db.isTransaction ?? db.inTransaction; // node:sqlite's name ?? better-sqlite3's
  return {
    ping: async () => s.ping.get(),
    user: async (id) => s.userById.get(id),
    post: async (id) => withTags(s.postById.get(id)),
    posts: async ({ author, limit }) =>
      (author === undefined ? s.latestPosts.all(limit) : s.postsByAuthor.all(author, limit)).map(withTags),
    report: async () => s.topAuthors.all(),

    createPost: async ({ authorId, title, body, tags }) => {
      db.exec('BEGIN IMMEDIATE');
      try {
        let id = null;
        if (s.userExists.get(authorId)) {
          id = s.insertPost.run(authorId, title, body, new Date().toISOString()).lastInsertRowid;
          for (const tag of tags) {
            s.insertTag.run(tag);
            s.tagPost.run(id, tag);
          }
        }
        db.exec('COMMIT');
        return id;
      } catch (error) {
        if (inTransaction()) db.exec('ROLLBACK');
        throw error;
      }
    },

    close: async () => db.close(),
  };
}

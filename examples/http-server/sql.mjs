// The statements the API runs, shared by every driver so that each one does exactly the same work.
// Column aliases give the JSON its camelCase names; a post's tags come back as a JSON array built
// by SQLite (json_group_array), sorted by name.

const TAGS_OF_POST = `(SELECT json_group_array(name) FROM (
    SELECT t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
     WHERE pt.post_id = p.id ORDER BY t.name))`;

export const SQL = {
  ping: 'SELECT 1 AS ok',

  // The point read: one row by primary key, microseconds.
  userById: 'SELECT id, name, email, created_at AS createdAt FROM users WHERE id = ?',

  postById: `SELECT p.id, p.author_id AS authorId, p.title, p.body, p.created_at AS createdAt,
                    ${TAGS_OF_POST} AS tags
               FROM posts p WHERE p.id = ?`,

  // An author's latest posts: the posts_by_author index gives them in order.
  postsByAuthor: `SELECT p.id, p.author_id AS authorId, p.title, substr(p.body, 1, 120) AS excerpt,
                         p.created_at AS createdAt, ${TAGS_OF_POST} AS tags
                    FROM posts p WHERE p.author_id = ?
                   ORDER BY p.created_at DESC, p.id DESC LIMIT ?`,
  latestPosts: `SELECT p.id, p.author_id AS authorId, p.title, substr(p.body, 1, 120) AS excerpt,
                       p.created_at AS createdAt, ${TAGS_OF_POST} AS tags
                  FROM posts p ORDER BY p.id DESC LIMIT ?`,

  // The heavy report: every post grouped by author, joined to users, with a count of distinct
  // months — a scan of the whole posts_by_author index (200,000 entries by default) and two
  // temporary b-trees. Tens to hundreds of milliseconds of SQLite work.
  topAuthors: `SELECT u.id, u.name, count(*) AS posts,
                      min(p.created_at) AS firstPost, max(p.created_at) AS lastPost,
                      count(DISTINCT substr(p.created_at, 1, 7)) AS activeMonths
                 FROM posts p JOIN users u ON u.id = p.author_id
                GROUP BY p.author_id ORDER BY posts DESC, u.id LIMIT 20`,

  // Creating a post: these run inside one write transaction.
  userExists: 'SELECT 1 AS found FROM users WHERE id = ?',
  insertPost: 'INSERT INTO posts (author_id, title, body, created_at) VALUES (?, ?, ?, ?)',
  insertTag: 'INSERT INTO tags (name) VALUES (?) ON CONFLICT (name) DO NOTHING',
  tagPost: 'INSERT OR IGNORE INTO post_tags (post_id, tag_id) SELECT ?, id FROM tags WHERE name = ?',
};

// Settings for every connection that writes (journal_mode = WAL is in the file since seeding).
export const CONNECTION_SETUP = 'PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON';

/** A post row as the API returns it: `tags` parsed from SQLite's JSON text. */
export const withTags = (row) => row && { ...row, tags: JSON.parse(row.tags) };

// The HTTP API, on a store from async-store.mjs or sync-store.mjs. Plain node:http: a table of
// routes, a JSON reply helper, a bounded body reader and validation that answers 400 with a JSON
// error. Anything unexpected is logged and answered with a 500 — a bad request never crashes the
// server.
//
//   GET  /health                     { status: 'ok', driver }
//   GET  /users/:id                  a user, or 404
//   GET  /posts?author=&limit=       an author's latest posts (all authors' without `author`)
//   GET  /posts/:id                  a post with its body and tags, or 404
//   POST /posts                      { authorId, title, body, tags? } → 201 and the new post
//   GET  /report                     the 20 most prolific authors (a heavy aggregate)

const MAX_BODY_BYTES = 64 * 1024;
const TAG = /^[a-z0-9][a-z0-9-]{0,29}$/;

class HttpError extends Error {
  constructor(status, message, headers = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

function send(res, status, data, headers = {}) {
  const body = JSON.stringify(data);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/** A positive integer from a path segment or a query parameter, or a 400. */
function positiveInt(text, what, { max = Number.MAX_SAFE_INTEGER } = {}) {
  if (!/^\d{1,16}$/.test(text) || Number(text) < 1 || Number(text) > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? 'a positive integer' : `an integer from 1 to ${max}`;
    throw new HttpError(400, `${what} must be ${range}`);
  }
  return Number(text);
}

async function readJson(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    // The rest of the body is not read: the reply closes the connection instead.
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `request body over ${MAX_BODY_BYTES} bytes`, { connection: 'close' });
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'request body is not valid JSON');
  }
}

/** The fields of a new post, checked and normalized, or a 400. */
function validatePost(input) {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new HttpError(400, 'request body must be a JSON object');
  }
  const { authorId, title, body, tags = [] } = input;
  if (!Number.isSafeInteger(authorId) || authorId < 1) throw new HttpError(400, 'authorId must be a positive integer');
  if (typeof title !== 'string' || title.trim() === '' || title.length > 200) {
    throw new HttpError(400, 'title must be a non-empty string of at most 200 characters');
  }
  if (typeof body !== 'string' || body.trim() === '' || body.length > 20_000) {
    throw new HttpError(400, 'body must be a non-empty string of at most 20000 characters');
  }
  if (!Array.isArray(tags) || tags.length > 8 || !tags.every((tag) => typeof tag === 'string' && TAG.test(tag))) {
    throw new HttpError(400, 'tags must be an array of at most 8 lowercase slugs (a-z, 0-9, -)');
  }
  return { authorId, title: title.trim(), body, tags: [...new Set(tags)] };
}

/**
 * The request handler. `closing()` says whether the server is shutting down: its replies then
 * carry `Connection: close`, so that a keep-alive client lets go once its request is answered.
 */
export function createHandler(store, { driver, closing = () => false, log = console.error } = {}) {
  const routes = [
    ['GET', /^\/health$/, async () => (await store.ping(), [200, { status: 'ok', driver }])],
    [
      'GET',
      /^\/users\/([^/]+)$/,
      async (_req, _url, [id]) => {
        const user = await store.user(positiveInt(id, 'user id'));
        return user ? [200, user] : [404, { error: `user ${id} not found` }];
      },
    ],
    [
      'GET',
      /^\/posts$/,
      async (_req, url) => {
        const { searchParams: query } = url;
        const author = query.has('author') ? positiveInt(query.get('author'), 'author') : undefined;
        const limit = query.has('limit') ? positiveInt(query.get('limit'), 'limit', { max: 100 }) : 20;
        return [200, await store.posts({ author, limit })];
      },
    ],
    [
      'GET',
      /^\/posts\/([^/]+)$/,
      async (_req, _url, [id]) => {
        const post = await store.post(positiveInt(id, 'post id'));
        return post ? [200, post] : [404, { error: `post ${id} not found` }];
      },
    ],
    [
      'POST',
      /^\/posts$/,
      async (req) => {
        const fields = validatePost(await readJson(req));
        const id = await store.createPost(fields);
        if (id === null) throw new HttpError(400, `authorId ${fields.authorId} does not exist`);
        return [201, await store.post(id), { location: `/posts/${id}` }];
      },
    ],
    ['GET', /^\/report$/, async () => [200, { topAuthors: await store.report() }]],
  ];

  return async function handle(req, res) {
    const reply = (status, data, headers = {}) => send(res, status, data, closing() ? { ...headers, connection: 'close' } : headers);
    try {
      let url;
      try {
        url = new URL(req.url, 'http://localhost');
      } catch {
        throw new HttpError(400, 'malformed URL');
      }
      const matching = routes.filter(([, pattern]) => pattern.test(url.pathname));
      if (matching.length === 0) throw new HttpError(404, 'not found');
      const route = matching.find(([method]) => method === req.method);
      if (!route) {
        const allow = matching.map(([method]) => method).join(', ');
        return reply(405, { error: `method ${req.method} not allowed` }, { allow });
      }
      const [status, data, headers] = await route[2](req, url, url.pathname.match(route[1]).slice(1));
      reply(status, data, headers);
    } catch (error) {
      if (error instanceof HttpError) return reply(error.status, { error: error.message }, error.headers);
      log(`${req.method} ${req.url}: ${error.stack ?? error}`);
      if (!res.headersSent) reply(500, { error: 'internal server error' });
    }
  };
}

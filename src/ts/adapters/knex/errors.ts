// Node-style errors for a bad knex configuration (the adapter cannot reach the library's own
// helpers: it imports only the public 'sqlite-strand').

/** A TypeError with `code` ERR_INVALID_ARG_TYPE. */
export function invalidArgType(message: string): TypeError {
  return Object.assign(new TypeError(message), { code: 'ERR_INVALID_ARG_TYPE' });
}

/** A TypeError with `code` ERR_INVALID_ARG_VALUE. */
export function invalidArgValue(message: string): TypeError {
  return Object.assign(new TypeError(message), { code: 'ERR_INVALID_ARG_VALUE' });
}

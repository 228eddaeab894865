// The messages of errors raised in more than one place, each written once. They are node:sqlite's
// (Node 26), word for word: the compat suite compares them with node's, and the native side
// raises the same ones for the checks it makes itself.

// ERR_INVALID_STATE
export const DATABASE_NOT_OPEN = 'database is not open';
export const STATEMENT_FINALIZED = 'statement has been finalized';
export const SESSION_NOT_OPEN = 'session is not open';
export const ITERATOR_INVALIDATED = 'iterator was invalidated';

// ERR_ILLEGAL_CONSTRUCTOR
export const ILLEGAL_CONSTRUCTOR = 'Illegal constructor';

// ERR_INVALID_ARG_TYPE
export const OPTIONS_NOT_OBJECT = 'The "options" argument must be an object.';
export const SQL_NOT_STRING = 'The "sql" argument must be a string.';
export const NAME_NOT_STRING = 'The "name" argument must be a string.';
export const SOURCE_DB_NOT_OBJECT = 'The "sourceDb" argument must be an object.';
/** `options.<key>` given but not a boolean. */
export const optionNotBoolean = (key: string): string => `The "options.${key}" argument must be a boolean.`;

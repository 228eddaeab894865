// The CommonJS side under "nodenext": resolves the "require" types (dist/index.d.cts).
import { DatabaseSync, AsyncDatabase, type SQLOutputValue } from 'sqlite-strand';

const db = new DatabaseSync(':memory:');
const first: SQLOutputValue = 1;
const open: Promise<AsyncDatabase> = AsyncDatabase.open(':memory:');
// @ts-expect-error a path is a string, a Uint8Array or a URL
new DatabaseSync({});

export = { db, first, open };

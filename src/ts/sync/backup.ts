// backup(sourceDb, path, options): node:sqlite's online backup (Node 26), and the option parsing
// AsyncDatabase#backup shares with it. Arguments are checked here, synchronously and in node's
// order (sourceDb, open state, path, then options.rate/source/target/progress); the copy runs on
// a thread of its own (src/native/sync/backup_job.h), which never touches the source connection: it
// reads the source file through its own connection, or a serialized copy of an in-memory one.
// So uncommitted changes of the source's open transaction are never copied (node copies none
// either: a source in a write transaction makes node's first step fail, which is replayed).
import { binding, type NativeDatabase } from '../binding';
import { nativeDatabaseOf, type Database } from './database-sync';
import { invalidArgType, invalidState } from '../shared/errors';
import { parseBackupOptions, progressReporter, type BackupOptions } from '../shared/backup-options';
import { isObject } from '../shared/v8-checks';
import { normalizePath, type DatabasePath } from '../shared/options';
import { DATABASE_NOT_OPEN, SOURCE_DB_NOT_OBJECT } from '../shared/messages';

/**
 * Copies database `options.source` (default `'main'`) of `sourceDb` into the file `path`
 * (schema `options.target`), `options.rate` pages per step. Resolves to the number of pages.
 */
export function backup(sourceDb: Database<unknown>, path: DatabasePath, options?: BackupOptions): Promise<number>;
// `options` is read from `arguments`: node's backup has length 2, and an explicit `undefined`
// options argument is an error.
export function backup(sourceDb: Database<unknown>, path: DatabasePath): Promise<number> {
  const native = openSource(arguments.length, sourceDb);
  const location = normalizePath(path);
  const { rate, source, target, progress } = parseBackupOptions(arguments.length > 2, arguments[2]);
  const reporter = progress && progressReporter(progress);
  // node's backup keeps its source database alive until it ends; so does this reference, held
  // (with onEvent) by the backup's completion channel and dropped at the end. (Only `running` may
  // be used inside the closures below: a closure naming `sourceDb` would hold it for as long as
  // the channel lives.)
  let running: Database<unknown> | undefined = sourceDb;
  return new Promise<number>((resolve, reject) => {
    // kind 0: progress (return false to stop: like node, no further step runs once progress has
    // thrown); kind 1: the end, after the thread has closed its connections — the only place the
    // promise settles.
    const onEvent = (kind: 0 | 1, a: unknown, b: unknown): boolean => {
      if (kind === 0) return reporter!.report(a as number, b as number);
      running = undefined;
      if (reporter?.thrown !== undefined) reject(reporter.thrown.error);
      else if (a !== undefined) reject(a);
      else resolve(b as number);
      return false;
    };
    const start = () => binding.startBackup(native, location, rate, source, target, onEvent, progress !== undefined);
    if (!native.inCallback()) {
      start();
      return;
    }
    // Called from a callback of sourceDb, while SQLite is in the middle of an operation on it
    // (src/native/sync/in_use.h): node's first step waits for the connection until that operation is
    // over, so the copy starts once it is — after the current synchronous code.
    queueMicrotask(() => {
      try {
        start();
      } catch (error) {
        running = undefined;
        reject(error);
      }
    });
  });
}

// The native database of `sourceDb`, checked in node's order: an object, a DatabaseSync, open.
function openSource(argumentCount: number, sourceDb: unknown): NativeDatabase {
  if (argumentCount < 1 || !isObject(sourceDb)) throw invalidArgType(SOURCE_DB_NOT_OBJECT);
  // node crashes on an object that is not a DatabaseSync; this is the nearest sane answer.
  const native = nativeDatabaseOf(sourceDb);
  if (native === undefined) throw invalidArgType(SOURCE_DB_NOT_OBJECT);
  if (!native.isOpen()) throw invalidState(DATABASE_NOT_OPEN);
  return native;
}

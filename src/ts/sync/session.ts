// Session: node:sqlite's recorder of changes (SQLite's session extension), created by
// DatabaseSync#createSession(). The native session (src/native/sync/session_sync.h) does the work and
// the checks; this class only holds it, and the database it belongs to.
import type { NativeSession } from '../binding';
import { guardConstruction, hideUncloneableBase, illegalInvocation, Uncloneable } from '../shared/class-shape';
import { queryChannel, traceQueries } from '../shared/query-diagnostics';

let nativeOf: (self: unknown) => NativeSession;

/**
 * Records the changes made to a database (all tables or one) until closed; `changeset()` and
 * `patchset()` return them for `DatabaseSync#applyChangeset()`. Closing the database closes its
 * sessions.
 */
export class Session extends Uncloneable {
  #native: NativeSession;
  // Keeps the database object (and so its native connection) alive while this session lives.
  #database: object;

  /** @internal */
  constructor(token: symbol, native: NativeSession, database: object) {
    guardConstruction(token);
    super();
    this.#native = native;
    this.#database = database;
  }

  static {
    nativeOf = (self) => {
      if (typeof self !== 'object' || self === null || !(#native in self)) throw illegalInvocation();
      return (self as Session).#native;
    };
  }

  /** The changes recorded so far, as a changeset (old and new values of every changed row). */
  changeset(): Uint8Array {
    const native = nativeOf(this);
    // SQLite runs statements to build it (SAVEPOINT, PRAGMA table_xinfo, SELECT …), and node
    // publishes them.
    if (queryChannel.hasSubscribers) traceQueries(this.#database);
    return native.changeset();
  }

  /** The changes recorded so far, as a patchset (a more compact changeset: no old values of updated columns). */
  patchset(): Uint8Array {
    const native = nativeOf(this);
    if (queryChannel.hasSubscribers) traceQueries(this.#database);
    return native.patchset();
  }

  /** Stops recording and frees the session. */
  close(): void {
    nativeOf(this).close();
  }

  /** Closes the session unless it (or its database) is already closed (`using s = db.createSession()`). */
  [Symbol.dispose](): void {
    nativeOf(this).dispose();
  }
}
hideUncloneableBase(Session, Object.prototype);

/** Node 26's Session.prototype order. */
export const SESSION_METHOD_ORDER = ['changeset', 'patchset', 'close'] as const;

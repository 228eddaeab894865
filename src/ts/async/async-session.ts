// AsyncSession: a session (SQLite's session extension) of an AsyncDatabase, living on the
// database thread under an id (src/native/async/async_sessions.h). Closed by close(), by closing the
// database (the thread deletes its sessions before the connection closes), or — if simply
// dropped — on the database thread after garbage collection.
import type { DatabaseCore, OperationOptions } from './async-core';
import { guardConstruction, hideUncloneableBase, illegalInvocation, Uncloneable } from '../shared/class-shape';
import { JobKind } from './engine';
import { invalidState } from '../shared/errors';
import { DATABASE_NOT_OPEN, SESSION_NOT_OPEN } from '../shared/messages';

interface SessionState {
  core: DatabaseCore;
  id: number;
  options: OperationOptions | undefined;
  closed: boolean;
}

// Sessions dropped without close() are deleted on the database thread after collection.
const unreachable = new FinalizationRegistry<{ core: DatabaseCore; id: number }>(({ core, id }) => {
  if (core.state === 'open') core.callWithoutCallerStack(false, { kind: JobKind.SessionClose, session: id }, () => undefined, undefined).catch(() => {});
});

let stateOf: (self: unknown) => SessionState;

/**
 * Records the changes made to an AsyncDatabase (all tables or one) until closed; `changeset()`
 * and `patchset()` resolve to them, for `applyChangeset()` of either database kind. Create with
 * `db.createSession()`. Its operations queue behind the database's like any other.
 */
export class AsyncSession extends Uncloneable {
  #state: SessionState;

  /** @internal */
  constructor(token: symbol, core: DatabaseCore, id: number, options: OperationOptions | undefined) {
    guardConstruction(token);
    super();
    this.#state = { core, id, options, closed: false };
    unreachable.register(this, { core, id }, this.#state);
  }

  static {
    stateOf = (self) => {
      if (typeof self !== 'object' || self === null || !(#state in self)) throw illegalInvocation();
      return (self as AsyncSession).#state;
    };
  }

  /** The changes recorded so far, as a changeset (old and new values of every changed row). */
  changeset(): Promise<Uint8Array> {
    return generate(this, JobKind.SessionChangeset);
  }

  /** The changes recorded so far, as a patchset (no old values of updated columns). */
  patchset(): Promise<Uint8Array> {
    return generate(this, JobKind.SessionPatchset);
  }

  /**
   * Stops recording and deletes the session on the database thread. Rejects like
   * `Session#close()` throws: 'database is not open', then 'session is not open'.
   */
  close(): Promise<void> {
    let state: SessionState;
    try {
      state = stateOf(this);
      usable(state);
    } catch (error) {
      return Promise.reject(error);
    }
    return closeSession(state);
  }

  /** Closes the session unless it (or its database) is already closed (`await using`). */
  async [Symbol.asyncDispose](): Promise<void> {
    const state = stateOf(this);
    if (state.closed || state.core.state !== 'open') return;
    await closeSession(state);
  }
}
hideUncloneableBase(AsyncSession, Object.prototype);

// node's checks, in node's order: database open, then session open.
function usable(state: SessionState): void {
  if (state.core.state !== 'open') throw invalidState(DATABASE_NOT_OPEN);
  if (state.closed) throw invalidState(SESSION_NOT_OPEN);
}

function closeSession(state: SessionState): Promise<void> {
  state.closed = true;
  unreachable.unregister(state);
  return state.core.call(false, { kind: JobKind.SessionClose, session: state.id }, () => undefined, undefined);
}

function generate(self: AsyncSession, kind: JobKind.SessionChangeset | JobKind.SessionPatchset): Promise<Uint8Array> {
  let state: SessionState;
  try {
    state = stateOf(self);
    usable(state);
  } catch (error) {
    return Promise.reject(error);
  }
  return state.core.call(false, { kind, session: state.id }, (bytes) => bytes, state.options);
}

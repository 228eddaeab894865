// Errors specific to the async API: AbortError shaped like node's own (name 'AbortError', code
// 'ABORT_ERR', the signal's reason as `cause`), and call-site stacks for rejections — an error
// made in a completion callback would otherwise show only the callback's frames.

export class AbortError extends Error {
  readonly code = 'ABORT_ERR';
  constructor(message = 'The operation was aborted', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AbortError';
  }
}

/** Where an operation was called from; cheap to capture (V8 formats it only when read). */
export type CallSite = { stack?: string };

export function captureCallSite(skip: Function): CallSite {
  const site: CallSite = {};
  Error.captureStackTrace(site, skip);
  return site;
}

/** Replaces the frames of `error`'s stack with the call site's, keeping its first line. */
export function withCallSite<E>(error: E, site: CallSite | undefined): E {
  if (site === undefined || !(error instanceof Error)) return error;
  const frames = site.stack?.split('\n').slice(1).join('\n');
  if (!frames) return error;
  const head = `${error.name}: ${error.message}`;
  Object.defineProperty(error, 'stack', { value: `${head}\n${frames}`, writable: true, configurable: true });
  return error;
}

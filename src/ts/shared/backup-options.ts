// backup()'s options, checked as node checks them; shared by the module's backup() and
// AsyncDatabase#backup().
import { codedError, invalidArgType } from './errors';
import { isInt32, isObject } from './v8-checks';
import { OPTIONS_NOT_OBJECT } from './messages';

/** What `progress` receives after each step that leaves pages to copy. */
export interface BackupProgress {
  /** Pages in the source database. */
  totalPages: number;
  /** Pages still to copy. */
  remainingPages: number;
}

export interface BackupOptions {
  /** Pages copied per step (default 100). */
  rate?: number;
  /** The source schema (default `'main'`). */
  source?: string;
  /** The destination schema (default `'main'`). */
  target?: string;
  /** Called (with `this` null) after every step that leaves pages to copy. */
  progress?: (progress: BackupProgress) => void;
}

export interface ParsedBackupOptions {
  rate: number;
  source: string;
  target: string;
  progress: ((progress: BackupProgress) => void) | undefined;
}

/** Calls a backup's `progress` for its reports; once it has thrown, the backup is to stop. */
export interface ProgressReporter {
  /** Calls `progress` (with `this` null); false: stop the copy, progress threw (now or before). */
  report(totalPages: number, remainingPages: number): boolean;
  /** What progress threw, if it did: what the backup rejects with, as node's does. */
  thrown: { error: unknown } | undefined;
}

export function progressReporter(progress: (progress: BackupProgress) => void): ProgressReporter {
  const reporter: ProgressReporter = {
    thrown: undefined,
    report(totalPages, remainingPages) {
      if (reporter.thrown !== undefined) return false;
      try {
        progress.call(null, { totalPages, remainingPages });
        return true;
      } catch (error) {
        reporter.thrown = { error };
        return false;
      }
    },
  };
  return reporter;
}

/** node's option checks, in its order; `given` is whether an options argument was passed at all. */
export function parseBackupOptions(given: boolean, options: unknown): ParsedBackupOptions {
  const parsed: ParsedBackupOptions = { rate: 100, source: 'main', target: 'main', progress: undefined };
  if (!given) return parsed;
  if (!isObject(options)) {
    throw invalidArgType(OPTIONS_NOT_OBJECT);
  }
  const o = options as Record<string, unknown>;
  const rate = o.rate;
  if (rate !== undefined) {
    if (!isInt32(rate)) {
      throw invalidArgType('The "options.rate" argument must be an integer.');
    }
    if ((rate as number) < 1) {
      throw codedError(RangeError, 'ERR_OUT_OF_RANGE', 'The "options.rate" argument must be a positive integer.');
    }
    parsed.rate = rate as number;
  }
  const source = o.source;
  if (source !== undefined) {
    if (typeof source !== 'string') throw invalidArgType('The "options.source" argument must be a string.');
    parsed.source = source;
  }
  const target = o.target;
  if (target !== undefined) {
    if (typeof target !== 'string') throw invalidArgType('The "options.target" argument must be a string.');
    parsed.target = target;
  }
  const progress = o.progress;
  if (progress !== undefined) {
    if (typeof progress !== 'function') throw invalidArgType('The "options.progress" argument must be a function.');
    parsed.progress = progress as ParsedBackupOptions['progress'];
  }
  return parsed;
}

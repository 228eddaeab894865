// db.limits: SQLite's run-time limits as live properties (sqlite3_limit), in node:sqlite's order
// and with its validation. Reading or writing on a closed database throws ERR_INVALID_STATE.
import { codedError } from './errors';
import { isInt32 } from './v8-checks';

/** SQLite's run-time limits, by node:sqlite's names (index = SQLITE_LIMIT_* id). */
export const LIMIT_NAMES = [
  'length',
  'sqlLength',
  'column',
  'exprDepth',
  'compoundSelect',
  'vdbeOp',
  'functionArg',
  'attach',
  'likePatternLength',
  'variableNumber',
  'triggerDepth',
] as const;

export type LimitName = (typeof LIMIT_NAMES)[number];
export type DatabaseLimits = Record<LimitName, number>;

/** Reads (value undefined) or sets a limit; returns the current value. */
export type LimitAccess = (id: number, value?: number) => number;

// SQLite clamps a requested limit to its compile-time maximum, so this means "as high as allowed".
const HIGHEST = 2 ** 31 - 1;

export function createLimits(access: LimitAccess): DatabaseLimits {
  const limits = {} as DatabaseLimits;
  LIMIT_NAMES.forEach((name, id) => {
    Object.defineProperty(limits, name, {
      enumerable: true,
      configurable: false,
      get: () => access(id),
      set: (value: unknown) => {
        // node checks, in this order: the database is open (a read throws if not), the value is
        // Infinity or an int32 (so -0, -Infinity and 2^31 are type errors), it is not negative.
        access(id);
        if (value !== Infinity && !isInt32(value)) {
          throw codedError(TypeError, 'ERR_INVALID_ARG_TYPE', 'Limit value must be a non-negative integer or Infinity.');
        }
        if (value < 0) throw codedError(RangeError, 'ERR_OUT_OF_RANGE', 'Limit value must be non-negative.');
        access(id, value === Infinity ? HIGHEST : value);
      },
    });
  });
  return limits;
}

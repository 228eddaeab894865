// V8's value checks, which node:sqlite applies to its arguments and options; written once so every
// validation here accepts and refuses exactly what node's does.

/** Value::IsInt32(): an integral number within int32 range, and not -0 (which V8 keeps as a double). */
export const isInt32 = (value: unknown): value is number =>
  typeof value === 'number' && (value | 0) === value && !Object.is(value, -0);

/** Value::IsObject(): any object, functions included; not null. */
export const isObject = (value: unknown): value is Record<string, unknown> =>
  (typeof value === 'object' && value !== null) || typeof value === 'function';

// V8's Value::IsInt32(), which node:sqlite uses for every integer option and answer it checks
// (timeout, limits, backup rate, an authorizer's or onConflict's return value): an integral
// number within int32 range — and not -0, which V8 keeps as a double.
export const isInt32 = (value: unknown): value is number =>
  typeof value === 'number' && (value | 0) === value && !Object.is(value, -0);

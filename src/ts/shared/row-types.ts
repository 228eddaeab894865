// Types only (nothing here exists at run time): how the row type of a statement, a database or
// a scope follows its `returnArrays` setting.
//
// Databases, statements, tag stores and async scopes carry their row type as a class type
// parameter (`StatementSync<Row>`, `StatementSync<SQLOutputValue[]>`), which is what their row
// methods return unless the call names another (`stmt.get<User>()`). The setting is read from the
// literal `returnArrays` of the options (constructor, open(), prepare(), with()); a `boolean`
// that is not a literal gives the union of both shapes.
import type { Row } from './row-factory';
import type { SQLOutputValue } from './types';

/**
 * The row type for a `returnArrays` option typed `ReturnArrays`: arrays of values for `true`,
 * objects for `false`, both for `boolean`, and `Otherwise` when the option is not given.
 */
export type RowFor<ReturnArrays, Otherwise = Row> = ReturnArrays extends true
  ? SQLOutputValue[]
  : ReturnArrays extends false
    ? Row
    : Otherwise;

/**
 * The key of a type-only member (declared, never set) holding a class's row type. Without it the
 * row type would appear only as the default of method type parameters, which TypeScript ignores
 * when comparing types: a statement of arrays would then pass for a statement of objects.
 */
export declare const rowType: unique symbol;

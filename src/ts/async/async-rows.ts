// Turns an async completion's rows — published in the RowScratch by the TSFN callback just
// before onComplete runs (src/native/async/async_database.cc) — into row objects or arrays. Must be
// called synchronously inside the completion: the scratch is shared by the whole env.
import { binding } from '../binding';
import { arrayRows, rowBuilder, type Row, type RowBuilder } from '../shared/row-factory';
import type { SQLOutputValue } from '../shared/types';

const scratch = binding.scratch;

/** Per statement (or per ad-hoc call): the current column names' builder. */
export class RowShape {
  #builder: RowBuilder | undefined;

  /** Adopts a new column list when the completion reported one. */
  update(columnNames: unknown): void {
    if (Array.isArray(columnNames)) this.#builder = rowBuilder(columnNames as string[]);
  }

  /** The completion's first row (get(): it has at most one), built without an array around it. */
  first(boxed: unknown, returnArrays: boolean): Row | SQLOutputValue[] | undefined {
    if (scratch.meta[0] === 0) return undefined;
    const b = (boxed ?? null) as unknown[] | null;
    if (returnArrays) return arrayRows(scratch.tags, scratch.numbers, b, 1, scratch.meta[1])[0] as SQLOutputValue[];
    return this.#builder!.one(scratch.tags, scratch.numbers, b);
  }

  /** Every row of the completion. */
  rows(boxed: unknown, returnArrays: boolean): (Row | SQLOutputValue[])[] {
    const rows = scratch.meta[0];
    if (rows === 0) return [];
    const b = (boxed ?? null) as unknown[] | null;
    if (returnArrays) return arrayRows(scratch.tags, scratch.numbers, b, rows, scratch.meta[1]) as SQLOutputValue[][];
    return this.#builder!.many(scratch.tags, scratch.numbers, b, rows);
  }
}

// What a call waiting behind a transaction binds: its parameters as they were when it was made.
import { isObject } from '../shared/v8-checks';

const copyBytes = (value: unknown): unknown => {
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
  if (value instanceof ArrayBuffer) return value.slice(0);
  if (typeof SharedArrayBuffer === 'function' && value instanceof SharedArrayBuffer) return new Uint8Array(value).slice().buffer;
  return value;
};

const isBinary = (value: unknown) =>
  ArrayBuffer.isView(value) || value instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && value instanceof SharedArrayBuffer);

/**
 * The parameters of a call that waits behind a transaction, read as the sync call would read
 * them at that moment: binary values' bytes copied, a named-parameter object's own enumerable
 * keys read in order into a plain copy. (Later changes to what the caller passed are not seen.)
 */
export function snapshotParams(params: unknown[]): unknown[] {
  const out = params.map(copyBytes);
  const first = params[0];
  if (isObject(first) && !isBinary(first)) {
    const named: Record<string, unknown> = {};
    for (const key of Object.keys(first)) named[key] = copyBytes(first[key]);
    out[0] = named;
  }
  return out;
}

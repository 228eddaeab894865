// Turns any value (or thrown error) into plain JSON that keeps what matters for a
// node:sqlite compatibility comparison. Runs unchanged on Node 20 and Node 26.
//
//   serialize(value, opts)    -> JSON-safe description of value
//   outcome(fn, opts)         -> { ok: serialize(fn()) } | { threw: serialize(error) }
//
// opts.replace: [[from, to], ...] applied (in order) to every string, error message and key,
// so that temp paths become placeholders.
//
// Encoding (every non-JSON value is an object tagged with "$"):
//   numbers        finite non-(-0) numbers as-is; otherwise { $: 'number', v: 'NaN' | 'Infinity' | '-Infinity' | '-0' }
//   bigint         { $: 'bigint', v: '123' }
//   undefined      { $: 'undefined' }
//   symbol         { $: 'symbol', desc }
//   function       { $: 'function', name, length }
//   arrays         plain JSON arrays (holes -> { $: 'hole' }); non-standard array prototypes are tagged
//   byte views     { $: 'bytes', ctor, length, hex } (hex replaced by sha256 when longer than 256 bytes)
//   ArrayBuffer    { $: 'ArrayBuffer', length, hex | sha256 }
//   errors         { $: 'error', name, ctor, keys (sorted own keys), props: { own key -> value, except stack } }
//   objects        { $: 'object', proto: null | '<constructor name>', entries: [[key, value], ...] (own enumerable
//                    string keys, in order), symbols?: [[desc, value], ...] }
import { createHash } from 'node:crypto';

const MAX_HEX_BYTES = 256;

function replaceAll(str, replace) {
  if (!replace) return str;
  for (const [from, to] of replace) {
    if (from) str = str.split(from).join(to);
  }
  return str;
}

function protoName(obj) {
  const proto = Object.getPrototypeOf(obj);
  if (proto === null) return null;
  const ctor = Object.prototype.hasOwnProperty.call(proto, 'constructor') ? proto.constructor : undefined;
  if (typeof ctor === 'function') return ctor.name;
  return '<anonymous>';
}

function isError(v) {
  return v instanceof Error || Object.prototype.toString.call(v) === '[object Error]';
}

function bytesInfo(u8) {
  if (u8.byteLength > MAX_HEX_BYTES) {
    return { length: u8.byteLength, sha256: createHash('sha256').update(u8).digest('hex') };
  }
  return { length: u8.byteLength, hex: Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength).toString('hex') };
}

function safeGet(obj, key) {
  try {
    return { value: obj[key] };
  } catch (e) {
    return { threw: e };
  }
}

export function serialize(value, opts = {}, seen = new Set()) {
  const replace = opts.replace;
  switch (typeof value) {
    case 'undefined':
      return { $: 'undefined' };
    case 'boolean':
      return value;
    case 'string':
      return replaceAll(value, replace);
    case 'number':
      if (Number.isNaN(value)) return { $: 'number', v: 'NaN' };
      if (value === Infinity) return { $: 'number', v: 'Infinity' };
      if (value === -Infinity) return { $: 'number', v: '-Infinity' };
      if (Object.is(value, -0)) return { $: 'number', v: '-0' };
      return value;
    case 'bigint':
      return { $: 'bigint', v: value.toString() };
    case 'symbol':
      return { $: 'symbol', desc: value.description === undefined ? null : value.description };
    case 'function':
      return { $: 'function', name: value.name, length: value.length };
    default:
      break;
  }
  if (value === null) return null;
  if (seen.has(value)) return { $: 'cycle' };
  seen.add(value);
  try {
    return serializeObject(value, opts, seen);
  } finally {
    seen.delete(value);
  }
}

function serializeObject(value, opts, seen) {
  const replace = opts.replace;
  const s = (v) => serialize(v, opts, seen);

  if (isError(value)) {
    const keys = Reflect.ownKeys(value).map((k) => replaceAll(String(k), replace)).sort();
    const props = {};
    for (const k of Reflect.ownKeys(value)) {
      if (k === 'stack') continue;
      const got = safeGet(value, k);
      props[replaceAll(String(k), replace)] = 'threw' in got ? { $: 'getter-threw' } : s(got.value);
    }
    const out = {
      $: 'error',
      name: s(value.name),
      ctor: value.constructor ? value.constructor.name : null,
      keys,
      props,
    };
    if (!('message' in props)) out.message = s(value.message);
    if (!('code' in props) && value.code !== undefined) out.code = s(value.code);
    return out;
  }

  if (ArrayBuffer.isView(value)) {
    return { $: 'bytes', ctor: protoName(value), ...bytesInfo(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)) };
  }
  if (value instanceof ArrayBuffer) {
    return { $: 'ArrayBuffer', ...bytesInfo(new Uint8Array(value)) };
  }

  if (Array.isArray(value)) {
    const items = [];
    for (let i = 0; i < value.length; i++) {
      items.push(i in value ? s(value[i]) : { $: 'hole' });
    }
    if (Object.getPrototypeOf(value) !== Array.prototype) {
      return { $: 'array', proto: protoName(value), items };
    }
    return items;
  }

  const out = { $: 'object', proto: protoName(value), entries: [] };
  for (const k of Object.keys(value)) {
    const got = safeGet(value, k);
    out.entries.push([replaceAll(k, replace), 'threw' in got ? { $: 'getter-threw', error: s(got.threw) } : s(got.value)]);
  }
  const syms = Object.getOwnPropertySymbols(value).filter((k) =>
    Object.prototype.propertyIsEnumerable.call(value, k),
  );
  if (syms.length) {
    out.symbols = syms.map((k) => {
      const got = safeGet(value, k);
      return [String(k.description), 'threw' in got ? { $: 'getter-threw' } : s(got.value)];
    });
  }
  return out;
}

export function outcome(fn, opts = {}) {
  let result;
  try {
    result = fn();
  } catch (e) {
    return { threw: serialize(e, opts) };
  }
  return { ok: serialize(result, opts) };
}

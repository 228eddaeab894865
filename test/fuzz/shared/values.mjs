// The values random programs pass around, by name. A program stores only names (so it is plain
// JSON and reads like a script); `makeValue(name)` builds a fresh value each time, identically on
// every runtime. Shared by the sync fuzzer (ours vs node:sqlite 26) and the async one (ours vs our
// own DatabaseSync).
//
// Groups: what SQLite can bind (numbers, bigints, strings, byte views...), what it cannot (junk),
// and what option setters get (booleans and junk).

const bytes = (n, seed) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

const VALUES = {
  null: () => null,
  undefined: () => undefined,
  true: () => true,
  false: () => false,
  'int:0': () => 0,
  'int:1': () => 1,
  'int:2': () => 2,
  'int:-1': () => -1,
  'int:42': () => 42,
  'int:100': () => 100,
  'int:1e6': () => 1e6,
  'int:2^31': () => 2 ** 31,
  'int:max-safe': () => Number.MAX_SAFE_INTEGER,
  'int:2^53': () => 2 ** 53,
  'int:-2^53': () => -(2 ** 53),
  'num:1.5': () => 1.5,
  'num:-0': () => -0,
  'num:NaN': () => NaN,
  'num:Infinity': () => Infinity,
  'num:-Infinity': () => -Infinity,
  'num:1e300': () => 1e300,
  'num:5e-324': () => 5e-324,
  'big:0': () => 0n,
  'big:1': () => 1n,
  'big:-7': () => -7n,
  'big:2^53+1': () => 2n ** 53n + 1n,
  'big:i64-max': () => 2n ** 63n - 1n,
  'big:i64-min': () => -(2n ** 63n),
  'big:2^63': () => 2n ** 63n,
  'big:-2^63-1': () => -(2n ** 63n) - 1n,
  'big:2^64': () => 2n ** 64n,
  'str:empty': () => '',
  'str:a': () => 'a',
  'str:b': () => 'b',
  'str:unicode': () => 'héllo wörld ✓',
  'str:emoji': () => 'x😀y',
  'str:nul': () => 'a\u0000b',
  'str:lone-high': () => 'a\uD800',
  'str:lone-low': () => '\uDC00b',
  'str:number': () => '12',
  'str:long': () => 'abcdefghij'.repeat(300),
  'str:sql': () => "'); DROP TABLE t1; --",
  'str:main': () => 'main',
  'str:temp': () => 'temp',
  'bytes:u8': () => bytes(5, 1),
  'bytes:u8-empty': () => new Uint8Array(0),
  'bytes:buffer': () => Buffer.from('blob'),
  'bytes:i16': () => Int16Array.of(1, -1, 300),
  'bytes:f64': () => Float64Array.of(1.5, -0),
  'bytes:clamped': () => Uint8ClampedArray.of(7, 8),
  'bytes:dataview': () => new DataView(bytes(6, 9).buffer, 1, 4),
  'bytes:subarray': () => bytes(10, 3).subarray(2, 5),
  'bytes:arraybuffer': () => bytes(4, 5).buffer,
  'bytes:shared': () => {
    const shared = new SharedArrayBuffer(3);
    new Uint8Array(shared).set([1, 2, 3]);
    return shared;
  },
  'bytes:big': () => bytes(3000, 7),
  'junk:object': () => ({}),
  'junk:object-null-proto': () => Object.create(null),
  'junk:array': () => [],
  'junk:array-1': () => [1, 'a'],
  'junk:symbol': () => Symbol('s'),
  'junk:function': () => function junk() { return 1; },
  'junk:date': () => new Date(0),
  'junk:map': () => new Map([[1, 2]]),
  'junk:regexp': () => /x/g,
  'junk:promise': () => Promise.resolve(1),
  'junk:boxed-number': () => Object(3),
  'junk:boxed-string': () => Object('s'),
  'junk:throwing-tostring': () => ({ toString() { throw new Error('toString threw'); } }),
};

export const VALUE_NAMES = Object.keys(VALUES);

/** Names that bind successfully (or are values node may still reject, such as out-of-range bigints). */
export const BINDABLE = VALUE_NAMES.filter((n) => !n.startsWith('junk:'));
/** Names that are plausible as SQL values in well-formed programs. */
export const COMMON = [
  'null', 'int:0', 'int:1', 'int:2', 'int:-1', 'int:42', 'num:1.5', 'big:1', 'big:i64-max',
  'str:a', 'str:b', 'str:unicode', 'str:number', 'bytes:u8', 'bytes:buffer', 'true', 'false',
];
/** What option setters and boolean options get: mostly booleans, sometimes junk. */
export const FLAGS = ['true', 'false', 'true', 'false', 'undefined', 'int:1', 'int:0', 'str:a', 'null', 'junk:object'];

/** A mistake in a generator or interpreter (not a result to compare): ends the run. */
export class FuzzerBug extends Error {}

export function makeValue(name) {
  const make = VALUES[name];
  if (!make) throw new FuzzerBug(`unknown value name ${String(name)}`);
  return make();
}

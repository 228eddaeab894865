// The user functions and aggregates async programs define, built the same way for the reference
// (DatabaseSync) and for AsyncDatabase, so both get identical callbacks. Every call is logged;
// the call sequence is compared as a whole (jobs run one at a time, in FIFO order, so SQLite
// makes the same calls in the same order on both).
import { makeValue } from '../shared/values.mjs';

function withArity(fn, arity) {
  Object.defineProperty(fn, 'length', { value: arity });
  return fn;
}

const thrown = (kind) => (kind === 'string' ? 'thrown string' : kind === 'null' ? null : new Error('callback failed'));

export function makeFunction(behaviour, arity, log, serialize) {
  return withArity(function (...args) {
    log(['cb', 'function', behaviour, serialize(args)]);
    if (behaviour.startsWith('throw:')) throw thrown(behaviour.slice(6));
    if (behaviour.startsWith('ret:')) return makeValue(behaviour.slice(4));
    if (behaviour === 'argc') return args.length;
    return args[0];
  }, arity);
}

export function makeAggregate(spec, log, serialize) {
  const options = {
    start: makeValue(spec.start),
    step: withArity(function (acc, value) {
      log(['cb', 'step', spec.step, serialize([acc, value])]);
      if (spec.step === 'throw:error') throw new Error('step failed');
      if (spec.step === 'ret:junk:object') return {};
      return (typeof acc === 'number' ? acc : 0) + (typeof value === 'number' ? value : 1);
    }, 2),
  };
  if (spec.result !== undefined) {
    options.result = function (acc) {
      log(['cb', 'result', spec.result, serialize([acc])]);
      if (spec.result === 'throw:error') throw new Error('result failed');
      return acc;
    };
  }
  return options;
}

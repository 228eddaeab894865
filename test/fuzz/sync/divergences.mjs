// Differences from node:sqlite 26 that are deliberate, each listed in the README ("Differences
// from node:sqlite") with its reason. `classify` names the divergence a seed's first difference
// is, or returns undefined; a seed classified here is counted, not failed. Each test is narrow on
// purpose: it must not swallow a real difference that merely looks alike.

const isCallback = (entry, role) => Array.isArray(entry) && entry[0] === 'cb' && (role === undefined || entry[1] === role);
const threwMessage = (entry) => (entry?.[0] === 'op' && entry[2]?.threw ? entry[2].threw.props?.message : undefined);

const AGGREGATE_ROLES = ['start', 'step', 'inverse', 'result'];

export const DIVERGENCES = [
  {
    name: 'aggregate error kept',
    // node: when an aggregate's start() or step() fails, SQLite still finalizes the group and
    // node calls start() (again) or result() for it with the error pending; what that call throws
    // replaces the first error, and if it returns, the error is lost (node throws an empty
    // ERR_SQLITE_ERROR). Ours makes no more calls for that group and throws the first error. At
    // the first difference node makes such a call while ours has thrown, after an aggregate
    // callback of the same operation.
    matches(expected, actual, i) {
      if (!isCallback(expected[i], 'start') && !isCallback(expected[i], 'result')) return false;
      if (threwMessage(actual[i]) === undefined) return false;
      for (let j = i - 1; j >= 0 && isCallback(expected[j]); j--) {
        if (AGGREGATE_ROLES.includes(expected[j][1])) return true;
      }
      return false;
    },
  },
];

/** The name of the deliberate divergence at the first difference `i`, if it is one. */
export function classify(expected, actual, i) {
  return DIVERGENCES.find((d) => d.matches(expected, actual, i))?.name;
}

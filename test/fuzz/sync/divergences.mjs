// Differences from node:sqlite 26 that are deliberate, each listed in the README ("Differences
// from node:sqlite") with its reason. `classify` names the divergence a seed's first difference
// is, or returns undefined; a seed classified here is counted, not failed. Each test is narrow on
// purpose: it must not swallow a real difference that merely looks alike.

const isCallback = (entry, role) => Array.isArray(entry) && entry[0] === 'cb' && (role === undefined || entry[1] === role);
const threwMessage = (entry) => (entry?.[0] === 'op' && entry[2]?.threw ? entry[2].threw.props?.message : undefined);

export const DIVERGENCES = [
  {
    name: 'aggregate step error kept',
    // node: when step() throws, SQLite still finalizes the group and node calls result() with the
    // error pending; a result() that returns then makes node throw an empty ERR_SQLITE_ERROR and
    // the step's error is lost. Ours keeps the step's error and does not call result().
    matches(expected, actual, i) {
      const previous = expected[i - 1];
      return isCallback(previous, 'step') && previous[2].startsWith('throw:') && isCallback(expected[i], 'result')
        && threwMessage(actual[i]) !== undefined && !isCallback(actual[i]);
    },
  },
];

/** The name of the deliberate divergence at the first difference `i`, if it is one. */
export function classify(expected, actual, i) {
  return DIVERGENCES.find((d) => d.matches(expected, actual, i))?.name;
}

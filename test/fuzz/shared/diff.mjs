// Compares two traces entry by entry. The first difference is what counts: after it the programs'
// states may have drifted apart, so later entries say little.

const text = (value) => JSON.stringify(value);

/** The first index where the traces differ, or -1. */
export function firstDifference(expected, actual) {
  const n = Math.max(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    if (text(expected[i]) !== text(actual[i])) return i;
  }
  return -1;
}

// A short label for an outcome: "ok", or the error's code/name and the start of its message.
function label(entry) {
  if (entry === undefined || entry === null) return 'missing';
  if (entry[0] === 'cb') return `callback ${entry[1]}/${entry[2]}`;
  const outcome = entry[2];
  if ('threw' in outcome || 'rejected' in outcome) {
    const e = outcome.threw ?? outcome.rejected;
    const verb = 'threw' in outcome ? 'threw' : 'rejected';
    const props = e.props ?? {};
    const code = props.code ?? e.code ?? e.name ?? typeof e;
    const message = String(props.message ?? e.message ?? '').slice(0, 60);
    return `${verb} ${typeof code === 'string' ? code : text(code)}: ${message}`;
  }
  return 'skipped' in outcome ? 'skipped' : 'ok';
}

/**
 * A description of the first difference: `signature` groups differences of one class (the
 * operation kind with both outcomes' labels), `detail` shows the entries and the operation.
 */
export function describeDifference(program, expected, actual, classify = () => undefined) {
  const i = firstDifference(expected, actual);
  if (i < 0) return null;
  const known = classify(expected, actual, i);
  if (known) return { index: i, known, signature: `known divergence: ${known}` };
  const e = expected[i];
  const a = actual[i];
  const opIndex = (e?.[0] === 'op' ? e[1] : a?.[0] === 'op' ? a[1] : undefined)
    ?? (expected.slice(i).find((x) => x[0] === 'op') ?? actual.slice(i).find((x) => x[0] === 'op'))?.[1];
  const op = opIndex === undefined ? undefined : program.ops[opIndex];
  const kind = op ? `${op.k}${op.m ? `.${op.m}` : ''}` : 'end';
  return {
    index: i,
    op: opIndex,
    signature: `${kind} | expected ${label(e)} | actual ${label(a)}`,
    detail: { op, expected: e, actual: a },
  };
}

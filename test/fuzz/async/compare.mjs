// Compares one seed's async traces with its reference: the first differing operation of each
// mode, the callback sequences, hangs and process-level problems.
import { describeDifference } from '../shared/diff.mjs';

export function compareSeed(program, result, modes = ['awaited', 'pipelined']) {
  const findings = [];
  for (const problem of result.problems ?? []) findings.push({ mode: 'process', signature: problem.split('\n')[0].slice(0, 120), detail: problem });
  for (const mode of modes) {
    const run = result[mode];
    if (!run) continue;
    if (run.hang) findings.push({ mode, signature: `hang: ${run.hang.replace(/\d+/, 'N')}`, detail: run.hang });
    const difference = describeDifference(program, result.reference.trace, run.trace);
    if (difference) findings.push({ mode, signature: `${mode}: ${difference.signature}`, detail: difference.detail });
    else if (!run.hang && JSON.stringify(result.reference.calls) !== JSON.stringify(run.calls)) {
      findings.push({ mode, signature: `${mode}: callback sequence differs`, detail: { expected: result.reference.calls.slice(0, 10), actual: run.calls.slice(0, 10) } });
    }
  }
  return findings;
}

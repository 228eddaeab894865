// Recognises `PRAGMA foreign_keys = OFF` / `= ON` — what knex's table rebuild (alterTable) sends
// around the rebuild when foreign keys are on — so that the connection holds the shared database
// while they are off (database-gate.ts).

// One whole statement: PRAGMA [main.]foreign_keys = value (or `(value)`), an optional `;`.
const FOREIGN_KEYS = /^\s*PRAGMA\s+(?:main\s*\.\s*)?foreign_keys\s*(?:=\s*([a-z0-9]+)|\(\s*([a-z0-9]+)\s*\))\s*;?\s*$/i;
const OFF = new Set(['off', 'false', 'no', '0']);

/** 'off' or 'on' if `sql` sets foreign_keys; undefined for any other SQL (reading it included). */
export function foreignKeysSetting(sql: string): 'off' | 'on' | undefined {
  const match = FOREIGN_KEYS.exec(sql);
  if (match === null) return undefined;
  return OFF.has((match[1] ?? match[2]).toLowerCase()) ? 'off' : 'on';
}

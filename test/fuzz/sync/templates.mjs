// Tagged templates for SQLTagStore calls. A template's strings must come from real template
// literals (node:sqlite caches by them), so each is written out here; programs pick one by index
// and give it its values. `m` is the store method: get, all, run or iterate.
export const TEMPLATES = [
  (s, m, v) => s[m]`SELECT ${v[0]} AS x`,
  (s, m, v) => s[m]`SELECT ${v[0]} AS x, ${v[1]} AS y`,
  (s, m, v) => s[m]`SELECT * FROM t1 WHERE a > ${v[0]} ORDER BY a`,
  (s, m, v) => s[m]`INSERT INTO t1(b, c) VALUES (${v[0]}, ${v[1]})`,
  (s, m, v) => s[m]`SELECT count(*) AS n FROM t1`,
  (s, m, v) => s[m]`SELECT ${v[0]}`,
  (s, m, v) => s[m]`SELEC ${v[0]}`,
  (s, m, v) => s[m]`SELECT :named, ${v[0]}`,
  (s, m, v) => s[m]`UPDATE t1 SET c = ${v[0]} WHERE a = ${v[1]}`,
  (s, m, v) => s[m](['SELECT ', ' AS fake'], v[0]),
  (s, m, v) => s[m]('SELECT 1'),
];
/** How many values each template takes. */
export const TEMPLATE_ARITY = [1, 2, 1, 2, 0, 1, 1, 1, 2, 1, 0];

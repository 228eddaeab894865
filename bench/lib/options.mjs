// Command-line options of run.mjs.

export const USAGE = `usage: node bench/run.mjs [options]

  --quick              smoke run: 2 rounds, short budget (~2 min); writes RESULTS.partial.md
  --filter=a,b         only trials whose name contains one of these (e.g. --filter=get-pk,100k);
                       an async trial brings its sync twin (e.g. async-get-pk → get-pk)
  --drivers=a,b        only these drivers (names: see --list); ratios need their partners
  --rounds=N           rounds (default 7; each round runs every trial x driver once)
  --budget=MS          timed budget per measurement (default 2000; async trials get 0.35 x)
  --warmup=MS          warm-up per measurement (default 400; async trials get 0.35 x)
  --out=NAME           write RESULTS.NAME.md / results.NAME.json instead of the default
  --install            (re)run npm install for the peers in bench/ first
  --list               list trials and drivers, then exit
  --help               this text`;

const DEFAULTS = { rounds: 7, budgetMs: 2000, warmupMs: 400 };
const QUICK = { rounds: 2, budgetMs: 300, warmupMs: 100 };

export function parseOptions(argv) {
  const raw = {};
  for (const a of argv) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new Error(`unexpected argument "${a}"\n${USAGE}`);
    raw[m[1]] = m[2] ?? true;
  }
  const known = ['quick', 'filter', 'drivers', 'rounds', 'budget', 'warmup', 'out', 'install', 'list', 'help'];
  for (const k of Object.keys(raw)) if (!known.includes(k)) throw new Error(`unknown option --${k}\n${USAGE}`);

  const quick = Boolean(raw.quick);
  const base = quick ? QUICK : DEFAULTS;
  const list = (v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : null);
  const int = (v, name, dflt) => {
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} needs a positive integer`);
    return n;
  };
  const filter = list(raw.filter);
  const drivers = list(raw.drivers);
  return {
    quick,
    filter,
    drivers,
    rounds: int(raw.rounds, 'rounds', base.rounds),
    budgetMs: int(raw.budget, 'budget', base.budgetMs),
    warmupMs: int(raw.warmup, 'warmup', base.warmupMs),
    // A smoke or partial run must not overwrite the full run's RESULTS.md.
    out: typeof raw.out === 'string' ? raw.out : quick || filter || drivers ? 'partial' : null,
    install: Boolean(raw.install),
    list: Boolean(raw.list),
    help: Boolean(raw.help),
  };
}

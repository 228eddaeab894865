// better-sqlite3 12.x (13.x needs Node 22+). Its Database already has the narrow interface the
// trials use (exec, prepare → get/all/iterate/run, close), so it is returned unwrapped.
import { peerVersion, requirePeer } from '../lib/peers.mjs';

export default {
  name: 'better-sqlite3',
  label: 'better-sqlite3',
  short: 'bs3',
  api: 'sync',
  runtime: 'current',
  async load() {
    const Database = requirePeer('better-sqlite3');
    return { version: peerVersion('better-sqlite3'), open: (file) => new Database(file) };
  },
};

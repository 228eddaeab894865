// @photostructure/sqlite: a node:sqlite-compatible addon, run on the default Node.
import { peerVersion, requirePeer } from '../lib/peers.mjs';

export default {
  name: 'photostructure',
  label: '@photostructure/sqlite',
  short: 'photo',
  api: 'sync',
  runtime: 'current',
  async load() {
    const { DatabaseSync } = requirePeer('@photostructure/sqlite');
    return { version: peerVersion('@photostructure/sqlite'), open: (file) => new DatabaseSync(file) };
  },
};

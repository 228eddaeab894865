// node-gyp-build ships no types: it returns the addon's exports for the package at `root`.
declare module 'node-gyp-build' {
  function nodeGypBuild(root: string): any;
  export default nodeGypBuild;
}

// Lets `node` load this package's TypeScript sources directly, for the one case that needs it: the PC/SC
// host child process started while the driver itself runs from src/ (jest). The built package (dist/)
// never uses this file; it starts dist/card/pcsc/pcsc-host.js instead.
const fs = require('node:fs');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    sourceMaps: 'inline',
    jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};

// Lets a child `node` process run the hub straight from its TypeScript sources, compiled on the fly by
// swc exactly as jest compiles them, so process-level tests never run a stale build. Usage:
//   node -r ./central-hub/test/support/register-ts.cjs central-hub/src/main.ts
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { transformSync } = require('@swc/core');

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const workspaceSources = { '@kiosk/protocols': path.join(repoRoot, 'protocols/src/index.ts') };

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolveFilename.call(this, workspaceSources[request] ?? request, ...rest);
};

require.extensions['.ts'] = function (module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    sourceMaps: 'inline',
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
    },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};

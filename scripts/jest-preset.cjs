// One jest setup for every package: TypeScript through swc (type checking is `tsc -b`'s job), and our
// workspace packages resolved to their sources so a test never runs against a stale build.
const path = require('node:path');

const root = path.resolve(__dirname, '..');

/** @param {string} packageDir @param {{ decorators?: boolean }} [options] */
module.exports = function jestPreset(packageDir, options = {}) {
  return {
    rootDir: packageDir,
    testEnvironment: 'node',
    // A 30 s default test timeout (jest's `testTimeout` is a global option, ignored per project).
    setupFilesAfterEnv: [path.join(__dirname, 'jest-timeout.cjs')],
    testMatch: ['<rootDir>/**/*.spec.ts', '<rootDir>/**/*.test.ts'],
    testPathIgnorePatterns: ['/node_modules/', '/dist/'],
    transform: {
      '^.+\\.ts$': [
        '@swc/jest',
        {
          jsc: {
            target: 'es2022',
            parser: { syntax: 'typescript', decorators: Boolean(options.decorators) },
            transform: options.decorators ? { legacyDecorator: true, decoratorMetadata: true } : {},
          },
          module: { type: 'commonjs' },
        },
      ],
    },
    moduleNameMapper: {
      '^@kiosk/(protocols|devices)$': path.join(root, '$1/src/index.ts'),
      // The emulators' own entry point (devices/src/virtual.ts), for tests and the virtual bench.
      '^@kiosk/devices/virtual$': path.join(root, 'devices/src/virtual.ts'),
    },
  };
};

// The hub suite again, every hub on PostgreSQL (issue 13): HUB_TEST_ENGINE=postgres makes the test
// support (test/support/test-store.ts) give each test its own database on the machine's server.
const base = require('../scripts/jest-preset.cjs')(__dirname, { decorators: true });

module.exports = {
  ...base,
  displayName: 'central-hub on PostgreSQL',
  setupFiles: [require.resolve('./test/support/postgres-engine.cjs')],
  // Pure rules and the SQLite-only transitional pieces have nothing engine-specific to prove.
  testPathIgnorePatterns: [...base.testPathIgnorePatterns, '/src/domain/', '\\.rules\\.spec\\.ts$'],
};

// The hub suite again, every hub on PostgreSQL (issue 13): HUB_TEST_ENGINE=postgres makes the test
// support (test/support/test-store.ts) give each test its own database on the machine's server.
const base = require('../scripts/jest-preset.cjs')(__dirname, { decorators: true });

module.exports = {
  ...base,
  displayName: 'central-hub on PostgreSQL',
  setupFiles: [require.resolve('./test/support/postgres-engine.cjs')],
  // What has nothing engine-specific to prove: pure rules, the SQLite file's own modes and migrations,
  // tools that read a SQLite file, and the process tests that race hubs on one SQLite file.
  testPathIgnorePatterns: [
    ...base.testPathIgnorePatterns,
    '/src/domain/',
    '\\.rules\\.spec\\.ts$',
    '/test/security/file-modes\\.spec\\.ts$',
    '/src/repositories/maintenance-day-kiosk\\.migration\\.spec\\.ts$',
    '/test/storage/migrate-to-postgres\\.spec\\.ts$',
    // Its hub processes run on their SQLite file (the crash-after-commit proof on PostgreSQL is
    // test/integration/exactly-once in the cross-package PostgreSQL run).
    '/test/hub-process\\.spec\\.ts$',
    // The socket fuzzer's hub process runs on its SQLite file too (its frames reach the same handlers).
    '/test/fuzz/socket-frames\\.fuzz\\.spec\\.ts$',
  ],
};

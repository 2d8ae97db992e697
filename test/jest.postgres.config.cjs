// The cross-package tests that prove the hub's storage, again with the hub on PostgreSQL (issue 13):
// exactly once across SIGKILLs and restarts, the hub's boundaries, the offline lottery entry judged once,
// the fleet commands, and one browser walk (a certificate issued and recorded). HUB_TEST_ENGINE=postgres
// makes test/support/system.ts give each hub a database of its own on the machine's server (loopback,
// trust auth; HUB_TEST_POSTGRES_URL to use another) and read its tables there.
const base = require('../scripts/jest-preset.cjs')(__dirname);

module.exports = {
  ...base,
  displayName: 'cross-package on PostgreSQL',
  setupFiles: [require.resolve('./support/postgres-engine.cjs')],
  testMatch: [
    '<rootDir>/support/hub-records.spec.ts',
    '<rootDir>/integration/exactly-once*.spec.ts',
    '<rootDir>/integration/hub-*.spec.ts',
    '<rootDir>/integration/lottery-offline.spec.ts',
    '<rootDir>/integration/fleet-commands.spec.ts',
    // Issue 14: two hub processes restarted in turn while a kiosk sells certificates (PostgreSQL + Redis only).
    '<rootDir>/integration/rolling-restart.spec.ts',
    '<rootDir>/browser/certificate-issuance.spec.ts',
  ],
};

// The cross-package PostgreSQL run (test/jest.postgres.config.cjs): every hub the tests start stores in a
// PostgreSQL database of its own (test/support/system.ts), and the tests read its tables there (issue 13).
process.env.HUB_TEST_ENGINE = 'postgres';

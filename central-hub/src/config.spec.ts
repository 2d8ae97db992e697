import path from 'node:path';
import { ConfigError, DEFAULT_AUDIT_CONFIG, DEFAULT_AUTH_CONFIG, DEFAULT_DRAIN_CONFIG, DEFAULT_FLEET_CONFIG, DEFAULT_LIMITS_CONFIG, DEFAULT_REDIS_KEY_PREFIX, parseChaos, parseConfig, redactedRedisUrl } from './config';

const repoRoot = '/srv/kiosk';

describe('parseConfig', () => {
  it('selects PostgreSQL by HUB_DATABASE_URL, with TLS checked unless the server is on loopback', () => {
    expect(parseConfig({ HUB_DATABASE_URL: 'postgres://127.0.0.1/kiosk' }, { repoRoot }).database).toEqual({
      engine: 'postgres',
      url: 'postgres://127.0.0.1/kiosk',
      poolSize: 10,
      commitLanes: 4,
      statementTimeoutMs: 30_000,
      connectTimeoutMs: 10_000,
      ssl: 'disable',
      caFile: null,
    });
    const remote = parseConfig(
      { HUB_DATABASE_URL: 'postgresql://hub@db.example.jp/kiosk', HUB_DATABASE_POOL_SIZE: '40', HUB_DATABASE_CA_FILE: '/etc/ca.pem' },
      { repoRoot },
    ).database;
    expect(remote).toMatchObject({ engine: 'postgres', poolSize: 40, commitLanes: 4, ssl: 'verify-full', caFile: '/etc/ca.pem' });
    // Group-commit lanes (issue 12): never more than the pool keeps for them (two left for the rest).
    const pipeline = (env: Record<string, string>) => parseConfig({ HUB_DATABASE_URL: 'postgres://127.0.0.1/kiosk', ...env }, { repoRoot }).database;
    expect(pipeline({ HUB_DATABASE_COMMIT_LANES: '8', HUB_DATABASE_POOL_SIZE: '20' })).toMatchObject({ commitLanes: 8 });
    expect(pipeline({ HUB_DATABASE_COMMIT_LANES: '8', HUB_DATABASE_POOL_SIZE: '5' })).toMatchObject({ commitLanes: 3 });
    expect(pipeline({ HUB_DATABASE_POOL_SIZE: '1' })).toMatchObject({ commitLanes: 1 });
    // The wait for a free pooled connection before a request is answered 503 busy (issue 14).
    expect(parseConfig({ HUB_DATABASE_URL: 'postgres://127.0.0.1/kiosk', HUB_DATABASE_CONNECT_TIMEOUT_MS: '250' }, { repoRoot }).database).toMatchObject({
      connectTimeoutMs: 250,
    });
    expect(() => parseConfig({ HUB_DATABASE_URL: 'postgres://127.0.0.1/kiosk', HUB_DATABASE_CONNECT_TIMEOUT_MS: '0' }, { repoRoot })).toThrow(ConfigError);
    expect(() => parseConfig({ HUB_DATABASE_URL: 'mysql://x/y' }, { repoRoot })).toThrow(ConfigError);
  });

  it('selects several-process mode by HUB_REDIS_URL (issue 14), and logs its URL without the password', () => {
    expect(parseConfig({ HUB_REDIS_URL: 'redis://127.0.0.1:6379' }, { repoRoot }).redis).toEqual({ url: 'redis://127.0.0.1:6379', keyPrefix: DEFAULT_REDIS_KEY_PREFIX });
    expect(parseConfig({ HUB_REDIS_URL: '' }, { repoRoot }).redis).toBeNull();
    expect(() => parseConfig({ HUB_REDIS_URL: 'http://127.0.0.1:6379' }, { repoRoot })).toThrow(ConfigError);
    expect(() => parseConfig({ HUB_REDIS_URL: 'redis://' }, { repoRoot })).toThrow(ConfigError);
    expect(redactedRedisUrl('rediss://hub:s3cret@cache.example.jp:6380/2')).toBe('rediss://hub:redacted@cache.example.jp:6380/2');
    expect(redactedRedisUrl('redis://:s3cret@127.0.0.1:6379')).not.toContain('s3cret');
    expect(redactedRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });

  it('has loopback and repository-relative defaults', () => {
    expect(parseConfig({}, { repoRoot })).toEqual({
      host: '127.0.0.1',
      port: 7400,
      dataDir: path.join(repoRoot, 'data', 'hub'),
      database: { engine: 'sqlite' },
      redis: null,
      adminToken: undefined,
      consoleDir: path.join(repoRoot, 'kiosk-ui', 'dist', 'console'),
      handshakeWindowMs: 60_000,
      logLevel: 'info',
      publicUrl: undefined,
      chaos: { hubCrashAfterCommit: undefined },
      fleet: DEFAULT_FLEET_CONFIG,
      auth: DEFAULT_AUTH_CONFIG,
      audit: DEFAULT_AUDIT_CONFIG,
      limits: DEFAULT_LIMITS_CONFIG,
      certificates: {
        factsFile: path.join(repoRoot, 'central-hub', 'facts', 'toyonaka-facts.json'),
        trustAnchorFiles: [],
        crlFiles: [],
        seedResidents: false,
        demoServiceTime: null,
        specimen: false,
      },
      lottery: { seedFacilities: false, seedDemoUsers: false },
      releases: { publicKeyFile: null },
      drain: DEFAULT_DRAIN_CONFIG,
    });
    expect(DEFAULT_DRAIN_CONFIG).toEqual({ deadlineMs: 9_500, inFlightMs: 7_000 });
    expect(DEFAULT_FLEET_CONFIG).toMatchObject({ offlineAfterMs: 60_000, telemetryRetentionMs: 7 * 24 * 3_600_000 });
    expect(DEFAULT_AUTH_CONFIG).toMatchObject({ maxFailuresPerAccount: 5, demoAdmin: false });
    expect(DEFAULT_AUDIT_CONFIG).toEqual({ keyFile: null, checkpointEvery: 100, checkpointIntervalMs: 300_000 });
  });

  it('reads the graceful drain timings (issue 14), the wait for kiosks inside the whole stop', () => {
    expect(parseConfig({ HUB_DRAIN_DEADLINE_MS: '28000', HUB_DRAIN_IN_FLIGHT_MS: '25000' }, { repoRoot }).drain).toEqual({ deadlineMs: 28_000, inFlightMs: 25_000 });
    expect(parseConfig({ HUB_DRAIN_IN_FLIGHT_MS: '0' }, { repoRoot }).drain).toEqual({ deadlineMs: 9_500, inFlightMs: 0 });
    expect(() => parseConfig({ HUB_DRAIN_IN_FLIGHT_MS: '9500' }, { repoRoot })).toThrow(/HUB_DRAIN_IN_FLIGHT_MS: must be less than HUB_DRAIN_DEADLINE_MS \(9500\)/);
    expect(() => parseConfig({ HUB_DRAIN_DEADLINE_MS: '5000' }, { repoRoot })).toThrow(ConfigError);
    expect(() => parseConfig({ HUB_DRAIN_DEADLINE_MS: '50' }, { repoRoot })).toThrow(ConfigError);
    expect(() => parseConfig({ HUB_DRAIN_IN_FLIGHT_MS: 'soon' }, { repoRoot })).toThrow(ConfigError);
  });

  it('reads the audit checkpoint variables (issue 15)', () => {
    expect(parseConfig({ HUB_AUDIT_KEY_FILE: 'rel/audit.pem', HUB_AUDIT_CHECKPOINT_EVERY: '10', HUB_AUDIT_CHECKPOINT_INTERVAL_MS: '60000' }, { repoRoot }).audit).toEqual({
      keyFile: path.resolve('rel/audit.pem'),
      checkpointEvery: 10,
      checkpointIntervalMs: 60_000,
    });
    expect(() => parseConfig({ HUB_AUDIT_CHECKPOINT_EVERY: '0' }, { repoRoot })).toThrow(ConfigError);
  });

  it('reads the fleet and auth variables', () => {
    const config = parseConfig(
      {
        HUB_OFFLINE_AFTER_MS: '30000',
        HUB_SWEEP_INTERVAL_MS: '1000',
        HUB_TELEMETRY_POINT_INTERVAL_MS: '0',
        HUB_TELEMETRY_RETENTION_DAYS: '0.5',
        HUB_TELEMETRY_PRUNE_INTERVAL_MS: '60000',
        HUB_STATUS_HISTORY_RETENTION_DAYS: '30',
        HUB_ALERT_OFFLINE_AFTER_MS: '120000',
        HUB_ALERT_BACKLOG_MAX: '50',
        HUB_ALERT_BACKLOG_AGE_MS: '300000',
        HUB_ALERT_CLOCK_DRIFT_MS: '10000',
        HUB_ALERT_RESOLVE_HOLD_MS: '0',
        HUB_SESSION_TTL_MS: '3600000',
        HUB_LOGIN_MAX_FAILURES: '3',
        HUB_LOGIN_MAX_FAILURES_PER_ADDRESS: '10',
        HUB_LOGIN_LOCK_MS: '60000',
        HUB_DEMO_ADMIN: '0',
      },
      { repoRoot },
    );
    expect(config.fleet).toEqual({
      offlineAfterMs: 30_000,
      sweepIntervalMs: 1000,
      telemetryPointIntervalMs: 0,
      telemetryRetentionMs: 12 * 3_600_000,
      statusHistoryRetentionMs: 30 * 24 * 3_600_000,
      telemetryPruneIntervalMs: 60_000,
      alerts: { offlineAfterMs: 120_000, outboxBacklogMax: 50, outboxOldestAgeMs: 300_000, clockDriftMs: 10_000, resolveHoldMs: 0 },
    });
    expect(config.auth).toEqual({ sessionTtlMs: 3_600_000, maxFailuresPerAccount: 3, maxFailuresPerAddress: 10, lockMs: 60_000, demoAdmin: false });
  });

  it('resolves the release public key file (issue 19)', () => {
    expect(parseConfig({ HUB_RELEASE_PUBLIC_KEY_FILE: 'keys/release.pub.pem' }, { repoRoot }).releases).toEqual({ publicKeyFile: path.resolve('keys/release.pub.pem') });
  });

  it('reads every variable', () => {
    const config = parseConfig(
      {
        HUB_HOST: '0.0.0.0',
        HUB_PORT: '0',
        HUB_DATA_DIR: 'rel/data',
        HUB_ADMIN_TOKEN: 'a-long-enough-admin-token',
        HUB_CONSOLE_DIR: '/opt/console',
        HUB_HANDSHAKE_WINDOW_MS: '5000',
        LOG_LEVEL: 'warn',
        KIOSK_CHAOS: 'hub-crash-after-commit:3',
        KIOSK_TEST_HOOKS: '1',
      },
      { repoRoot },
    );
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 0,
      dataDir: path.resolve('rel/data'),
      adminToken: 'a-long-enough-admin-token',
      consoleDir: '/opt/console',
      handshakeWindowMs: 5000,
      logLevel: 'warn',
      chaos: { hubCrashAfterCommit: 3 },
    });
  });

  it('reads the certificate and lottery variables', () => {
    const config = parseConfig(
      {
        HUB_PUBLIC_URL: 'https://hub.example.jp/',
        HUB_FACTS_FILE: '/etc/kiosk/facts.json',
        HUB_CARD_TRUST_ANCHORS: '/etc/kiosk/ca-1.pem, rel/ca-2.der,',
        HUB_CARD_CRLS: '/etc/kiosk/ca-1.crl',
        HUB_SEED_RESIDENTS: '1',
        HUB_SEED_FACILITIES: 'true',
        HUB_SEED_DEMO_USERS: '1',
        HUB_DEMO_SERVICE_TIME: '12:00',
      },
      { repoRoot },
    );
    expect(config.publicUrl).toBe('https://hub.example.jp/');
    expect(config.certificates).toEqual({
      factsFile: '/etc/kiosk/facts.json',
      trustAnchorFiles: ['/etc/kiosk/ca-1.pem', path.resolve('rel/ca-2.der')],
      crlFiles: ['/etc/kiosk/ca-1.crl'],
      seedResidents: true,
      demoServiceTime: '12:00',
      specimen: true,
    });
    // Specimen certificates (issue 17): on with the synthetic residents unless turned off, and on request.
    expect(parseConfig({ HUB_SEED_RESIDENTS: '1', HUB_CERTIFICATE_SPECIMEN: '0' }, { repoRoot }).certificates.specimen).toBe(false);
    expect(parseConfig({ HUB_CERTIFICATE_SPECIMEN: '1' }, { repoRoot }).certificates.specimen).toBe(true);
    expect(() => parseConfig({ HUB_DEMO_SERVICE_TIME: '25:00' }, { repoRoot })).toThrow(/HUB_DEMO_SERVICE_TIME/);
    expect(config.lottery).toEqual({ seedFacilities: true, seedDemoUsers: true });
  });

  it('refuses CRLs without a trust anchor to check them against', () => {
    expect(() => parseConfig({ HUB_CARD_CRLS: '/etc/kiosk/ca-1.crl' }, { repoRoot })).toThrow('HUB_CARD_CRLS');
  });

  it('treats empty variables as unset', () => {
    expect(parseConfig({ HUB_PORT: '', LOG_LEVEL: '' }, { repoRoot })).toMatchObject({ port: 7400, logLevel: 'info' });
  });

  it.each([
    ['HUB_PORT', 'eighty'],
    ['HUB_PORT', '70000'],
    ['HUB_ADMIN_TOKEN', 'short'],
    ['HUB_HANDSHAKE_WINDOW_MS', '10'],
    ['LOG_LEVEL', 'loud'],
    ['HUB_OFFLINE_AFTER_MS', '5'],
    ['HUB_LOGIN_MAX_FAILURES', '0'],
    ['HUB_DEMO_ADMIN', 'yes'],
    ['HUB_PUBLIC_URL', 'hub.example.jp'],
    ['HUB_PUBLIC_URL', 'ftp://hub.example.jp'],
    ['HUB_SEED_FACILITIES', 'on'],
  ])('names the variable when %s=%s is invalid', (variable, value) => {
    expect(() => parseConfig({ [variable]: value }, { repoRoot })).toThrow(ConfigError);
    expect(() => parseConfig({ [variable]: value }, { repoRoot })).toThrow(variable);
  });
});

describe('parseChaos', () => {
  it('is inert when unset or meant for another process', () => {
    expect(parseChaos(undefined)).toEqual({ hubCrashAfterCommit: undefined });
    expect(parseChaos('agent-crash-on-ack:1')).toEqual({ hubCrashAfterCommit: undefined });
  });

  it('refuses a malformed hub fault rather than injecting nothing', () => {
    expect(() => parseChaos('hub-crash-after-commit:0', true)).toThrow(ConfigError);
    expect(() => parseChaos('hub-crash-after-commit', true)).toThrow(ConfigError);
    expect(() => parseChaos('hub-explode:1', true)).toThrow(ConfigError);
  });

  it('refuses a hub fault outside tests (KIOSK_TEST_HOOKS unset) with a start-up error (issue 15)', () => {
    expect(() => parseChaos('hub-crash-after-commit:1')).toThrow(/KIOSK_TEST_HOOKS=1/);
    expect(() => parseConfig({ KIOSK_CHAOS: 'hub-crash-after-commit:1' }, { repoRoot })).toThrow(ConfigError);
    expect(() => parseConfig({ KIOSK_CHAOS: 'hub-crash-after-commit:1', KIOSK_TEST_HOOKS: '0' }, { repoRoot })).toThrow('KIOSK_CHAOS');
    expect(parseChaos('hub-crash-after-commit:1', true)).toEqual({ hubCrashAfterCommit: 1 });
  });
});

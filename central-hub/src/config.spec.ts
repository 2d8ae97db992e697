import path from 'node:path';
import { ConfigError, parseChaos, parseConfig } from './config';

const repoRoot = '/srv/kiosk';

describe('parseConfig', () => {
  it('has loopback and repository-relative defaults', () => {
    expect(parseConfig({}, { repoRoot })).toEqual({
      host: '127.0.0.1',
      port: 7400,
      dataDir: path.join(repoRoot, 'data', 'hub'),
      adminToken: undefined,
      consoleDir: path.join(repoRoot, 'kiosk-ui', 'dist', 'console'),
      handshakeWindowMs: 60_000,
      logLevel: 'info',
      chaos: { hubCrashAfterCommit: undefined },
    });
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

  it('treats empty variables as unset', () => {
    expect(parseConfig({ HUB_PORT: '', LOG_LEVEL: '' }, { repoRoot })).toMatchObject({ port: 7400, logLevel: 'info' });
  });

  it.each([
    ['HUB_PORT', 'eighty'],
    ['HUB_PORT', '70000'],
    ['HUB_ADMIN_TOKEN', 'short'],
    ['HUB_HANDSHAKE_WINDOW_MS', '10'],
    ['LOG_LEVEL', 'loud'],
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
    expect(() => parseChaos('hub-crash-after-commit:0')).toThrow(ConfigError);
    expect(() => parseChaos('hub-crash-after-commit')).toThrow(ConfigError);
    expect(() => parseChaos('hub-explode:1')).toThrow(ConfigError);
  });
});

import pino from 'pino';
import { parseConfig } from './config';
import { EnvConfigRefresher, restartOnlyChanges } from './config-refresher';

describe('config.refresh', () => {
  const running = parseConfig({ LOG_LEVEL: 'info' }, '/srv/kiosk');

  it('lists the restart-only settings that changed', () => {
    expect(restartOnlyChanges(running, running)).toEqual([]);
    const reread = parseConfig({ LOG_LEVEL: 'debug', AGENT_BATCH_SIZE: '100', HUB_URL: 'http://hub:7400' }, '/srv/kiosk');
    expect(restartOnlyChanges(running, reread)).toEqual(['hubUrls', 'hubPublicUrl', 'batchSize']);
  });

  it('applies the log level at once and reports the rest', () => {
    const logger = pino({ level: 'info' });
    const refresher = new EnvConfigRefresher(running, () => parseConfig({ LOG_LEVEL: 'warn', AGENT_UI_PORT: '9000' }, '/srv/kiosk'), logger);
    expect(refresher.refresh()).toEqual({ ok: true, detail: 'configuration re-read; log level warn; on restart: uiPort' });
    expect(logger.level).toBe('warn');
  });

  it('fails with the reason when the configuration no longer parses', () => {
    const refresher = new EnvConfigRefresher(running, () => parseConfig({ AGENT_BATCH_SIZE: 'lots' }, '/srv/kiosk'), pino({ level: 'silent' }));
    expect(refresher.refresh()).toEqual({ ok: false, detail: expect.stringContaining('AGENT_BATCH_SIZE') });
  });
});

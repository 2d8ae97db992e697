import type { ConfigRefresher } from './commands/command-executor';
import { ConfigError, type AgentConfig } from './config';
import type { Logger } from './logger';

/** Settings that take effect only when the agent restarts (they shape sockets, files and timers at start). */
const RESTART_ONLY = [
  'hubUrls',
  'hubPublicUrl',
  'dataDir',
  'uiPort',
  'uiDir',
  'heartbeatMs',
  'batchSize',
  'ackTimeoutMs',
  'reconnectMinMs',
  'reconnectMaxMs',
  'devices',
  'hardware',
  'panelDir',
  'updates',
] as const satisfies ReadonlyArray<keyof AgentConfig>;

/** Pure: which restart-only settings differ between the running and the re-read configuration. */
export function restartOnlyChanges(running: AgentConfig, reread: AgentConfig): string[] {
  // JSON for the one nested setting (hardware); the rest are primitives.
  return RESTART_ONLY.filter((key) => JSON.stringify(running[key]) !== JSON.stringify(reread[key]));
}

/**
 * `config.refresh`: re-reads the configuration source. The log level applies at once; anything else that
 * changed is reported as pending a restart (a remote command should not rewire sockets mid-transaction).
 */
export class EnvConfigRefresher implements ConfigRefresher {
  constructor(
    private readonly running: AgentConfig,
    private readonly read: () => AgentConfig,
    private readonly logger: Logger,
  ) {}

  refresh(): { ok: boolean; detail: string } {
    let reread: AgentConfig;
    try {
      reread = this.read();
    } catch (error) {
      if (error instanceof ConfigError) return { ok: false, detail: error.message };
      throw error;
    }
    this.logger.level = reread.logLevel;
    const pending = restartOnlyChanges(this.running, reread);
    const detail = `configuration re-read; log level ${reread.logLevel}` + (pending.length > 0 ? `; on restart: ${pending.join(', ')}` : '');
    this.logger.info({ pendingRestart: pending }, 'configuration refreshed');
    return { ok: true, detail };
  }
}

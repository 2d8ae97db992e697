/**
 * The edge agent process: `node edge-agent/dist/main.js`. Configuration from the environment (see
 * config.ts and the README); JSON logs on stdout; SIGTERM/SIGINT stop it cleanly with exit code 0.
 */
import { startAgent, type RunningAgent } from './agent';
import { RecentLogLines } from './commands/recent-logs';
import { AGENT_RESTART_EXIT_CODE } from './commands/restart';
import { EnrolmentError } from './identity/enrolment';
import { NotEnrolledError } from './identity/ensure-identity';
import { IdentityFileError } from './identity/identity-file';
import { SchemaTooNewError } from './store/migrations';
import { ConfigError, parseConfig, type AgentConfig } from './config';
import { EnvConfigRefresher } from './config-refresher';
import { createLogger } from './logger';
import { repoRoot } from './paths';

function readConfig(): AgentConfig {
  return parseConfig(process.env, repoRoot);
}

function isKnownStartupError(error: unknown): error is NotEnrolledError | EnrolmentError | IdentityFileError | SchemaTooNewError {
  return (
    error instanceof NotEnrolledError ||
    error instanceof EnrolmentError ||
    error instanceof IdentityFileError ||
    error instanceof SchemaTooNewError
  );
}

async function main(): Promise<void> {
  let config: AgentConfig;
  try {
    config = readConfig();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    createLogger('info').fatal({ issues: error instanceof ConfigError ? error.issues : undefined }, message);
    process.exit(1);
  }
  // The last hour or so of this process's log lines, for `logs.upload` (redacted before they are kept).
  const recentLogs = new RecentLogLines();
  const logger = createLogger(config.logLevel, recentLogs);
  const abort = new AbortController();
  let agent: RunningAgent | null = null;
  let stopping = false;

  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'agent stopping');
    abort.abort();
    if (agent === null) process.exit(0);
    agent.stop().then(
      () => {
        logger.info('agent stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'agent did not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);

  // `agent.restart`: stop cleanly, then exit with the code that tells the supervisor to start us again.
  const requestRestart = (): void => {
    if (stopping) return;
    stopping = true;
    abort.abort();
    const exit = (): never => process.exit(AGENT_RESTART_EXIT_CODE);
    if (agent === null) exit();
    else
      agent.stop().then(
        () => {
          logger.info({ exitCode: AGENT_RESTART_EXIT_CODE }, 'agent stopped for a restart');
          exit();
        },
        (error: unknown) => {
          logger.error({ err: error }, 'agent did not stop cleanly before its restart');
          exit();
        },
      );
  };

  try {
    agent = await startAgent({
      config,
      logger,
      configRefresher: new EnvConfigRefresher(config, readConfig, logger.child({ module: 'config' })),
      signal: abort.signal,
      recentLogs,
      requestRestart,
    });
  } catch (error) {
    if (stopping) process.exit(0);
    if (isKnownStartupError(error)) {
      // No code, refused code, damaged identity, newer database: a person must act; the message says what.
      logger.fatal({ code: 'code' in error ? error.code : undefined, reason: 'reason' in error ? error.reason : undefined }, error.message);
    } else {
      logger.fatal({ err: error }, 'agent failed to start');
    }
    process.exit(1);
  }
}

void main();

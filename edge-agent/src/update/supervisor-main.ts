/**
 * The update supervisor as a process (issue 19): `node edge-agent/dist/update/supervisor-main.js`,
 * with AGENT_INSTALL_ROOT (where `state.json` and `releases/` live) and the agent's own environment,
 * which it passes on. AGENT_UPDATE_HEALTH_DEADLINE_MS (default 120000) is how long a new version has to
 * report healthy. It is what systemd's ExecStart (or `npm start`) runs instead of the agent.
 */
import path from 'node:path';
import { AGENT_RESTART_EXIT_CODE } from '../commands/restart';
import { createLogger, LOG_LEVELS, type LogLevel } from '../logger';
import { InstallLayout } from './install-state';
import { UpdateSupervisor } from './supervisor';

const level = LOG_LEVELS.find((known) => known === process.env.LOG_LEVEL) ?? ('info' satisfies LogLevel);
const logger = createLogger(level).child({ module: 'supervisor' });
const root = process.env.AGENT_INSTALL_ROOT;
const deadline = Number(process.env.AGENT_UPDATE_HEALTH_DEADLINE_MS ?? 120_000);
if (!root || !Number.isInteger(deadline) || deadline < 1000) {
  logger.fatal('AGENT_INSTALL_ROOT must name the install root, AGENT_UPDATE_HEALTH_DEADLINE_MS an integer of at least 1000');
  process.exit(1);
}
const basePackageRoot = path.resolve(__dirname, '..', '..');
const supervisor = new UpdateSupervisor({
  layout: new InstallLayout(path.resolve(root)),
  basePackageRoot,
  // Every version shares one data directory (the outbox, the inbox, the identity): the base agent's
  // default unless set, never a release's own `data/` (which would be a new kiosk after each switch).
  env: { ...process.env, AGENT_DATA_DIR: path.resolve(process.env.AGENT_DATA_DIR ?? path.join(basePackageRoot, '..', 'data', 'agent')) },
  healthDeadlineMs: deadline,
  restartExitCode: AGENT_RESTART_EXIT_CODE,
  logger,
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => supervisor.stop());
supervisor.run().then(
  (code) => process.exit(code),
  (error: unknown) => {
    logger.fatal({ err: error }, 'supervisor failed');
    process.exit(1);
  },
);

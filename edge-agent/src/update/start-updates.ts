import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Clock } from '../clock';
import type { AgentConfig } from '../config';
import type { CertificateTransactions } from '../certificates/transaction-store';
import type { DeviceRegistry } from '../hardware/device-manager';
import type { Logger } from '../logger';
import { installedRelease } from '../paths';
import type { KioskSessions } from '../server/kiosk-sessions';
import type { AgentState } from '../status/agent-state';
import type { HubRequests } from '../sync/hub-requests';
import { UpdateHubClient } from './hub-updates';
import { BASE_VERSION, InstallLayout } from './install-state';
import { releaseKeySpki } from './release-check';
import { UpdateJobFile } from './update-job';
import { UpdateService } from './update-service';

export interface UpdatesDeps {
  config: AgentConfig;
  state: AgentState;
  sessions: KioskSessions;
  transactions: CertificateTransactions;
  devices: DeviceRegistry;
  /** The agent's one typed request API of the hub session (shared with certificates and the lottery). */
  hubRequests: HubRequests;
  backlog: () => number;
  requestRestart: (() => void) | null;
  clock: Clock;
  logger: Logger;
}

/** The agent's update feature wired to its state (agent.ts). */
export function startUpdates(deps: UpdatesDeps): UpdateService {
  const { config, state, sessions, logger } = deps;
  const hub = new UpdateHubClient(deps.hubRequests, config.ackTimeoutMs);
  const service = new UpdateService({
    jobs: new UpdateJobFile(config.dataDir),
    layout: config.updates.installRoot === null ? null : new InstallLayout(config.updates.installRoot),
    releaseKey: readReleaseKey(config.updates.releasePublicKeyFile, logger),
    hub,
    running: installedRelease() ?? BASE_VERSION,
    activity: {
      facts: () => ({ sessionActive: sessions.current() !== null, unfinishedTransactions: deps.transactions.unfinished().length }),
      onChange: (listener) => sessions.onChange(listener),
    },
    health: () => ({ hubConnected: state.connection().hubConnected, devices: deps.devices.health(), backlog: deps.backlog() }),
    requestRestart: deps.requestRestart,
    // In memory only: the next process reads the stored service state again.
    beforeSwitch: () => state.setOutOfService(true),
    clock: deps.clock,
    logger,
  });
  return service;
}

/** The release public key's SPKI bytes, or why updates are refused (said in every refusal). */
function readReleaseKey(file: string | null, logger: Logger): Uint8Array | string {
  if (file === null) return 'no release public key configured (AGENT_RELEASE_PUBLIC_KEY_FILE)';
  try {
    return releaseKeySpki(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = `the release public key ${path.basename(file)} cannot be read: ${error instanceof Error ? error.message : String(error)}`;
    logger.error({ file }, reason);
    return reason;
  }
}

import type { AgentConfig } from '../config';
import type { Logger } from '../logger';
import { NO_DEVICES } from './device-wiring';
import { startDrivers, type KioskDrivers } from './kiosk-drivers';
import { realWiring } from './real-wiring';
import { VirtualBench } from './virtual-bench';

/** The kiosk's drivers and, in demo mode, the virtual devices behind them. */
export interface KioskHardware {
  drivers: KioskDrivers;
  /** The virtual devices (`AGENT_DEVICES=virtual`), for the device panel; null on a real kiosk. */
  bench: VirtualBench | null;
  /** Drivers first (they hold the device links), then the virtual devices. */
  stop(): Promise<void>;
}

export interface HardwareDeps {
  config: AgentConfig;
  repoRoot: string;
  logger: Logger;
  now: () => Date;
}

export async function startHardware(deps: HardwareDeps): Promise<KioskHardware> {
  const { config, logger } = deps;
  const bench = config.devices === 'virtual' ? await VirtualBench.start({ dataDir: config.dataDir, repoRoot: deps.repoRoot, logger }) : null;
  // The one line that picks real or virtual devices; the drivers below are the same either way.
  const wiring = bench ? bench.wiring : config.devices === 'real' ? realWiring(config.hardware) : NO_DEVICES;
  let drivers: KioskDrivers;
  try {
    drivers = await startDrivers(wiring, { logger, now: deps.now });
  } catch (error) {
    await bench?.stop();
    throw error;
  }
  logger.info({ mode: config.devices, devices: drivers.managed.map((device) => device.id) }, 'devices started');
  return {
    drivers,
    bench,
    stop: async () => {
      await drivers.stop();
      await bench?.stop();
    },
  };
}

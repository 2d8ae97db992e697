import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startVirtualPeripherals, VirtualCardStack, type VirtualPeripherals } from '@kiosk/devices/virtual';
import type { Logger } from '../logger';
import type { DeviceWiring } from './device-wiring';
import { ensureTestCa } from './test-ca';

export interface VirtualBenchOptions {
  /**
   * The agent's data directory: the test CA goes to `test-ca/`, the card's pcscd to `devices/pcscd/`, the
   * A4 printer's output tray (the printed certificates, 0700) to `devices/a4-tray/`.
   */
  dataDir: string;
  repoRoot: string;
  logger: Logger;
}

/**
 * The demo's hardware (`AGENT_DEVICES=virtual`): virtual devices on the real OS stacks, which the agent's
 * real drivers reach exactly as they would reach hardware. The card: a sandboxed pcscd with vpcd and the
 * test CA's residents. The receipt printer and the coin machine: simulators at the far end of socat pty
 * pairs. The A4 printer: a private cupsd with a CUPS-PDF queue whose PDFs (the paper) lie in a tray in the
 * agent's data directory until taken, wiped or the bench stops. The scanner and PIN pad: the in-memory HID
 * source (the one seam nothing real reaches here). The bench owns all of it; the device panel plays it.
 */
export class VirtualBench {
  private constructor(
    readonly cards: VirtualCardStack,
    readonly peripherals: VirtualPeripherals,
    /** The peripherals' pty links and private CUPS (removed on stop). */
    readonly peripheralsDir: string,
  ) {}

  /** Where the real drivers find these devices. */
  get wiring(): DeviceWiring {
    return {
      cardReader: { readerPattern: this.cards.readerName(0), pcscSocketPath: this.cards.socketPath },
      peripherals: this.peripherals.config,
    };
  }

  static async start(options: VirtualBenchOptions): Promise<VirtualBench> {
    const { logger } = options;
    const testCaDir = path.join(options.dataDir, 'test-ca');
    // The private cupsd's filters run as user lp and must traverse every directory above its spool; the
    // agent's data directory is private (it holds the kiosk's key), so the peripherals get their own.
    const peripheralsDir = await mkdtemp(path.join(tmpdir(), 'kiosk-demo-devices-'));
    const started = await Promise.allSettled([
      ensureTestCa(options.repoRoot, testCaDir).then(() =>
        VirtualCardStack.start({
          testCaDir,
          workDir: path.join(options.dataDir, 'devices', 'pcscd'),
          logger: logger.child({ module: 'virtual-card' }),
        }),
      ),
      startVirtualPeripherals({
        dir: peripheralsDir,
        a4TrayDir: path.join(options.dataDir, 'devices', 'a4-tray'),
        logger: logger.child({ module: 'virtual-peripherals' }),
      }),
    ]);
    const [cards, peripherals] = started;
    if (cards.status === 'fulfilled' && peripherals.status === 'fulfilled') {
      logger.info({ peripheralsDir }, 'virtual devices started');
      return new VirtualBench(cards.value, peripherals.value, peripheralsDir);
    }
    // Whatever did start must not outlive the failed start (no stray pcscd, socat or cupsd).
    await Promise.allSettled(started.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value.stop() : undefined)));
    await rm(peripheralsDir, { recursive: true, force: true });
    const failed = started.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    throw failed?.reason instanceof Error ? failed.reason : new Error(`virtual devices did not start: ${String(failed?.reason)}`);
  }

  /** Stops every virtual device and the processes behind them; a failure to stop one does not skip the other. */
  async stop(): Promise<void> {
    const results = await Promise.allSettled([this.cards.stop(), this.peripherals.stop()]);
    await rm(this.peripheralsDir, { recursive: true, force: true });
    // Paper nobody took does not outlive the demo (the next start would throw it away anyway).
    await this.peripherals.cups?.tray.empty();
    const failed = results.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed) throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
  }
}

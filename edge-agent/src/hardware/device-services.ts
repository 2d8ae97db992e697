import { CashRecorder } from '../cash/cash-recorder';
import { CoinGate } from '../cash/coin-gate';
import { BarcodeInput } from '../input/barcode-input';
import { PinEntry } from '../input/pin-entry';
import type { Logger } from '../logger';
import type { KioskSessions } from '../server/kiosk-sessions';
import type { AgentState } from '../status/agent-state';
import type { Outbox } from '../store/outbox';
import type { KioskDrivers } from './kiosk-drivers';

export interface DeviceServices {
  pinEntry: PinEntry;
  barcodes: BarcodeInput;
  /** Resolves once the coin acceptor's inhibit matches the session and service state. */
  coinGateSettled(): Promise<void>;
  stop(): Promise<void>;
}

export interface DeviceServicesDeps {
  drivers: KioskDrivers;
  outbox: Outbox;
  sessions: KioskSessions;
  state: AgentState;
  now: () => Date;
  logger: Logger;
  /** A flow's say over money (the certificate flow): which transaction it belongs to, when coins are wanted. */
  cashPolicy?: CashPolicy;
}

/** What a flow tells the cash services (certificates/cash-policy.ts implements it). */
export interface CashPolicy {
  /** The transaction coins and payouts belong to when a flow names one (also with no session: recovery); null: the session's. */
  transaction(): string | null;
  /** Whether the acceptor may take coins in the current session; null: no opinion (any session may). */
  acceptsCoins(): boolean | null;
  /** Calls back when either answer may have changed; returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
}

/**
 * What the agent does with its devices' input between flows: records every coin and payout, opens the coin
 * acceptor only during a session in service, collects PIN-pad digits (count only leaves), keeps the last
 * facility card scanned; PIN and scan are forgotten whenever the session changes.
 */
export async function startDeviceServices(deps: DeviceServicesDeps): Promise<DeviceServices> {
  const { drivers, sessions, state, logger } = deps;
  const cash = new CashRecorder({
    outbox: deps.outbox,
    activeSession: () => deps.cashPolicy?.transaction() ?? sessions.current()?.sessionId ?? null,
    logger: logger.child({ module: 'cash' }),
  });
  const pinEntry = new PinEntry();
  const barcodes = new BarcodeInput(deps.now, logger.child({ module: 'scanner' }));
  const detach = [
    cash.attach(drivers.coinAcceptor, drivers.coinDispenser),
    drivers.pinPad ? pinEntry.attach(drivers.pinPad) : undefined,
    drivers.barcodeScanner ? barcodes.attach(drivers.barcodeScanner) : undefined,
    sessions.onChange(() => {
      pinEntry.reset();
      barcodes.reset();
    }),
  ];
  const gate = drivers.coinAcceptor
    ? new CoinGate(
        drivers.coinAcceptor,
        {
          sessionActive: () => sessions.current() !== null && (deps.cashPolicy?.acceptsCoins() ?? true),
          outOfService: () => state.isOutOfService(),
          subscribe: (changed) => [sessions.onChange(changed), state.onStatus(changed), ...(deps.cashPolicy ? [deps.cashPolicy.onChange(changed)] : [])],
        },
        logger.child({ module: 'coin-gate' }),
      )
    : null;
  await gate?.start();
  return {
    pinEntry,
    barcodes,
    coinGateSettled: () => gate?.settle() ?? Promise.resolve(),
    stop: async () => {
      await gate?.stop();
      for (const stop of detach) stop?.();
      pinEntry.reset();
    },
  };
}

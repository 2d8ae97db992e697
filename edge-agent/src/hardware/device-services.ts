import type { CoinYen } from '@kiosk/protocols';
import type { CashDesk } from '../cash/cash-desk';
import { KIOSK_COINS } from '../cash/change-rules';
import { CoinGate } from '../cash/coin-gate';
import { BarcodeInput } from '../input/barcode-input';
import { PadRouter } from '../input/pad-router';
import { PinEntry } from '../input/pin-entry';
import type { Logger } from '../logger';
import type { KioskSessions } from '../server/kiosk-sessions';
import type { AgentState } from '../status/agent-state';
import type { KioskDrivers } from './kiosk-drivers';

export interface DeviceServices {
  pinEntry: PinEntry;
  /** Where each PIN-pad key goes: the PIN entry, or (keypad navigation on) the screen as a navigation action. */
  keypad: PadRouter;
  barcodes: BarcodeInput;
  /** Resolves once the coin acceptor's inhibit matches the payment step, session and service state: true when it takes coins. */
  coinGateSettled(): Promise<boolean>;
  stop(): Promise<void>;
}

export interface DeviceServicesDeps {
  drivers: KioskDrivers;
  /** The one owner of money (cash/cash-desk.ts): it is attached to the acceptor and hoppers here. */
  cashDesk: Pick<CashDesk<unknown>, 'attach'>;
  sessions: KioskSessions;
  state: AgentState;
  now: () => Date;
  logger: Logger;
  /** A flow's say over money (the certificate flow): which transaction it belongs to, when coins are wanted. Without one no coins are taken. */
  cashPolicy?: CashPolicy;
}

/** What a flow tells the cash services (certificates/cash-policy.ts implements it). */
export interface CashPolicy {
  /** The transaction coins and payouts belong to when a flow names one (also with no session: recovery); null: the session's. */
  transaction(): string | null;
  /** Whether a flow is in its payment step now: the only time the acceptor takes coins. */
  paymentStep(): boolean;
  /** The coins the payment step takes now (fewer when change cannot be paid: change-rules.ts). */
  coins(): readonly CoinYen[];
  /** Calls back when any answer may have changed; returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
  /** The device services hand over how to wait for the acceptor to match the policy (true: it takes coins). */
  useGate(settled: () => Promise<boolean>): void;
}

/**
 * What the agent does with its devices' input between flows: hands every coin and payout to the cash desk, opens the coin
 * acceptor only while a flow is in its payment step (cash-rules.ts), collects PIN-pad digits (count only leaves), keeps the last
 * facility card scanned; PIN and scan are forgotten whenever the session changes.
 */
export async function startDeviceServices(deps: DeviceServicesDeps): Promise<DeviceServices> {
  const { drivers, sessions, state, logger } = deps;
  const pinEntry = new PinEntry();
  const keypad = new PadRouter(pinEntry, sessions);
  const barcodes = new BarcodeInput(deps.now, logger.child({ module: 'scanner' }));
  const detach = [
    deps.cashDesk.attach(drivers.coinAcceptor, drivers.coinDispenser),
    drivers.pinPad ? keypad.attach(drivers.pinPad) : undefined,
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
          paymentStep: () => deps.cashPolicy?.paymentStep() ?? false,
          coins: () => deps.cashPolicy?.coins() ?? KIOSK_COINS,
          sessionActive: () => sessions.current() !== null,
          outOfService: () => state.isOutOfService(),
          subscribe: (changed) => [sessions.onChange(changed), state.onStatus(changed), ...(deps.cashPolicy ? [deps.cashPolicy.onChange(changed)] : [])],
        },
        logger.child({ module: 'coin-gate' }),
      )
    : null;
  await gate?.start();
  if (gate) deps.cashPolicy?.useGate(() => gate.settle());
  return {
    pinEntry,
    keypad,
    barcodes,
    coinGateSettled: () => gate?.settle() ?? Promise.resolve(false),
    stop: async () => {
      await gate?.stop();
      for (const stop of detach) stop?.();
      keypad.stop();
      pinEntry.reset();
    },
  };
}

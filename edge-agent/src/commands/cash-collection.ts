import type { EventPayload, HopperCount } from '@kiosk/protocols';

/** What the cash box held by the agent's count when a technician emptied it. */
export interface RecordedCashBox {
  coins: number;
  valueYen: number;
}

export interface CashCollectionReport {
  event: EventPayload<'cash.collected'>;
  /** Counted minus recorded, when the technician said what they counted (0: they agree). */
  differenceYen: number | null;
  /** The `command.result` detail: what was recorded, and a warning when the counts disagree. */
  detail: string;
}

/**
 * Pure rule for a `cash.collected` command: the outbox event and the technician-readable result. A
 * difference is not a failure (the box was emptied and the count is reset either way) but it is called
 * out, because it means coins went missing or the count missed some. The technician's hopper counts
 * (the kiosk cannot count its hoppers) go into the event as the command carried them, for the hub to
 * reconcile against what the hoppers paid out.
 */
export function reportCashCollection(commandId: string, recorded: RecordedCashBox, countedYen: number | undefined, hoppers?: HopperCount[]): CashCollectionReport {
  const event: EventPayload<'cash.collected'> = {
    commandId,
    ...(countedYen === undefined ? {} : { countedYen }),
    ...(hoppers === undefined ? {} : { hoppers }),
    recordedCoins: recorded.coins,
    recordedYen: recorded.valueYen,
  };
  const recordedText = `cash box count reset; the kiosk had recorded ${recorded.coins} coins, ¥${recorded.valueYen}`;
  if (countedYen === undefined) return { event, differenceYen: null, detail: recordedText };
  const differenceYen = countedYen - recorded.valueYen;
  if (differenceYen === 0) return { event, differenceYen, detail: `${recordedText}; counted ¥${countedYen}, matches` };
  const direction = differenceYen > 0 ? 'more' : 'less';
  return {
    event,
    differenceYen,
    detail: `WARNING: counted ¥${countedYen}, ¥${Math.abs(differenceYen)} ${direction} than recorded; ${recordedText}`,
  };
}

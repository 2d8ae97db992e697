import {
  failure,
  type CoinYen,
  type DevicePanelState,
  type PanelCommandAck,
  type PanelCommandName,
  type PanelCommandPayload,
  type PanelInsertedCard,
  type PanelPinKey,
  type PrintedDocument,
  type VirtualCard,
} from '@kiosk/protocols';
import type { CardReaderDriver } from '@kiosk/devices';
import type { DeviceManager } from '../hardware/device-manager';
import type { VirtualBench } from '../hardware/virtual-bench';
import { runDetached, type Logger } from '../logger';
import type { PanelService } from './panel-namespace';
import { buildPanelState } from './panel-state';
import { DEMO_BARCODE_PRESETS, FOREIGN_CARD, panelCards } from './virtual-cards';

export interface DevicePanelDeps {
  bench: VirtualBench;
  /** The drivers' view of the devices (what the hub gets as telemetry). */
  devices: DeviceManager;
  /** The agent's reader driver: a card swap waits until it has seen the first card go. */
  cardReader: CardReaderDriver | null;
  /** Completed A4 jobs of the virtual printer's queue, newest first, each saying whether its paper is in the tray. */
  documents: () => Promise<PrintedDocument[]>;
  /** Takes a job's paper out of the virtual A4 printer's tray (deletes its PDF); false when it was not there. */
  takeDocument: (jobId: number) => Promise<boolean>;
  logger: Logger;
  /** How often the CUPS queue is asked for completed jobs. */
  documentPollMs?: number;
}

/** A panel command in a form the queue can run; the payload was validated by the namespace. */
type Command = { [C in PanelCommandName]: { name: C; payload: PanelCommandPayload<C> } }[PanelCommandName];

/** The slot the panel's cards go into ("Virtual PCD 00 00", the reader the agent uses). */
const SLOT = 0;

/**
 * The demo's device panel: plays the virtual devices (a person inserting coins and cards, opening the
 * printer cover, pressing PIN-pad keys) and shows what they and the agent's drivers report. Commands run
 * one at a time; the state is pushed after every change, whatever caused it, but never twice the same.
 * Nothing a person types here (PIN keys, scanned numbers) is logged: commands are logged by name only.
 */
export class DevicePanel implements PanelService {
  private readonly cards: VirtualCard[];
  private insertedCard: PanelInsertedCard | null = null;
  private cashBoxCount = 0;
  private hopperEmpty = false;
  private savedHopper: Array<{ coinYen: CoinYen; coins: number }> = [];
  private documents: PrintedDocument[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(state: DevicePanelState) => void>();
  private lastPushed = '';
  private pushScheduled = false;
  private readonly unsubscribe: Array<() => void> = [];
  private documentTimer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: DevicePanelDeps) {
    this.cards = panelCards(deps.bench.cards.residents);
  }

  start(): void {
    const { printer, coins } = this.deps.bench.peripherals;
    const changed = (): void => this.schedulePush();
    this.unsubscribe.push(printer.onChange(changed), printer.onReceipt(changed), coins.onChange(changed), this.deps.devices.onHealthChange(changed));
    this.lastPushed = JSON.stringify(this.state());
    const poll = (): void => {
      runDetached(this.deps.logger, 'panel document poll', async () => {
        try {
          this.documents = await this.deps.documents();
          this.schedulePush();
        } catch (error) {
          this.deps.logger.debug({ err: error }, 'could not list the virtual A4 printer jobs');
        }
        if (this.documentTimer) this.documentTimer = setTimeout(poll, this.deps.documentPollMs ?? 1000);
      });
    };
    this.documentTimer = setTimeout(poll, 0);
  }

  async stop(): Promise<void> {
    if (this.documentTimer) clearTimeout(this.documentTimer);
    this.documentTimer = null;
    for (const stop of this.unsubscribe.splice(0)) stop();
    this.listeners.clear();
    await this.queue;
  }

  state(): DevicePanelState {
    const { printer, coins } = this.deps.bench.peripherals;
    const printerState = printer.snapshot();
    const coinState = coins.snapshot();
    return buildPanelState({
      devices: this.deps.devices.health(),
      printer: { paper: printerState.paper, coverOpen: printerState.coverOpen, jam: printerState.jam },
      coins: { coinJam: coinState.coinJam, cashBoxCount: this.cashBoxCount },
      hopper: { empty: this.hopperEmpty, coins: coinState.hoppers.map((hopper) => ({ coinYen: hopper.coinYen, count: hopper.coins })) },
      insertedCard: this.insertedCard,
      cards: this.cards,
      barcodePresets: DEMO_BARCODE_PRESETS,
      receipts: printer.receipts(),
      documents: this.documents,
    });
  }

  onState(listener: (state: DevicePanelState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  run<C extends PanelCommandName>(name: C, payload: PanelCommandPayload<C>): Promise<PanelCommandAck> {
    // The cast pairs a name with its payload type; TypeScript cannot carry that correlation through a generic.
    const command = { name, payload } as Command;
    const result = this.queue.then(() => this.execute(command));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async execute(command: Command): Promise<PanelCommandAck> {
    try {
      const refused = await this.apply(command);
      this.schedulePush();
      return refused ?? { ok: true };
    } catch (error) {
      // The error comes from a simulator, never carries what was typed; the command is named, not its payload.
      this.deps.logger.error({ err: error, command: command.name }, 'a virtual device failed a panel command');
      this.schedulePush();
      return failure('internal', `the virtual device could not do ${command.name}`);
    }
  }

  /** Does the command; returns a Failure for a refusal, nothing when done. */
  private async apply(command: Command): Promise<PanelCommandAck | undefined> {
    const { bench } = this.deps;
    const { printer, coins, hid } = bench.peripherals;
    switch (command.name) {
      case 'panel.coin.insert': {
        const outcome = coins.insertCoin(command.payload.coinYen);
        if (outcome === 'accepted') this.cashBoxCount += 1;
        this.deps.logger.info({ coinYen: command.payload.coinYen, outcome }, 'panel: coin inserted');
        return undefined;
      }
      case 'panel.printer.set': {
        const { paper, cover, jam } = command.payload;
        if (paper === 'ok') printer.loadPaper();
        else if (paper === 'near-end') printer.setPaperNearEnd();
        else if (paper === 'out') printer.setPaperOut();
        if (cover !== undefined) printer.setCoverOpen(cover === 'open');
        if (jam !== undefined) printer.setJam(jam);
        this.deps.logger.info({ paper, cover, jam }, 'panel: receipt printer set');
        return undefined;
      }
      case 'panel.coin.set':
        if (command.payload.coinJam !== undefined) coins.setCoinJam(command.payload.coinJam);
        this.deps.logger.info({ coinJam: command.payload.coinJam }, 'panel: coin acceptor set');
        return undefined;
      case 'panel.hopper.set': {
        const { empty, held, coins: counts } = command.payload;
        const fitted = coins.snapshot().hoppers.map((hopper) => hopper.coinYen);
        const unknown = counts?.find((entry) => !fitted.includes(entry.coinYen));
        if (unknown) return failure('not_found', `this demo has no ${unknown.coinYen}-yen hopper`);
        if (empty !== undefined) this.setHopperEmpty(empty);
        if (held !== undefined) {
          coins.setHoppersHeld(held);
          this.deps.logger.info({ held }, 'panel: hopper motors held');
        }
        if (counts !== undefined) {
          // Explicit counts replace the fault: what the hoppers hold is what was said.
          this.hopperEmpty = false;
          this.savedHopper = [];
          for (const entry of counts) coins.setHopperCoins(entry.coinYen, entry.count);
          this.deps.logger.info({ coins: counts }, 'panel: hopper coins set');
        }
        return undefined;
      }
      case 'panel.card.insert': {
        const card = this.cards.find((candidate) => candidate.cardId === command.payload.cardId);
        if (!card) return failure('not_found', 'no such virtual card in this demo');
        await this.takeCardOut();
        if (card.cardId === FOREIGN_CARD.cardId) await bench.cards.insertForeignCard(SLOT);
        else await bench.cards.insertResident(card.cardId, SLOT);
        this.insertedCard = { cardId: card.cardId, label: card.label };
        this.deps.logger.info({ cardId: card.cardId }, 'panel: card inserted');
        return undefined;
      }
      case 'panel.card.set': {
        const { answersHeld, unreadable } = command.payload;
        const slot = bench.cards.slots[SLOT];
        if (!slot) return failure('not_found', 'this demo has no card reader slot');
        if (answersHeld === true) slot.holdAnswers();
        else if (answersHeld === false) slot.releaseAnswers();
        if (unreadable !== undefined) slot.failReads(unreadable ? undefined : null);
        this.deps.logger.info({ answersHeld, unreadable }, 'panel: card faults set');
        return undefined;
      }
      case 'panel.card.remove':
        await this.takeCardOut();
        this.deps.logger.info({}, 'panel: card removed');
        return undefined;
      case 'panel.scanner.scan':
        hid.scanner.scan(command.payload.barcode);
        this.deps.logger.info({}, 'panel: barcode scanned');
        return undefined;
      case 'panel.pinpad.press': {
        const { key } = command.payload;
        hid.pinPad.press([padKey(key)]);
        return undefined; // not logged at all: even "a key" per press would count the PIN's digits
      }
      case 'panel.document.take': {
        const { jobId } = command.payload;
        if (!(await this.deps.takeDocument(jobId))) return failure('not_found', 'that document is not in the A4 printer tray');
        this.documents = this.documents.map((document) => (document.jobId === jobId ? { ...document, inTray: false } : document));
        this.deps.logger.info({ jobId }, 'panel: document taken from the A4 tray');
        return undefined;
      }
    }
  }

  /**
   * Takes the card out and waits (up to 3 s) until the reader has seen it go. A person swapping cards
   * takes longer than pcscd's poll; a virtual swap is instant, and the reader would never see the first
   * card leave, so the next card operation would start on a card that was not there when it was selected.
   */
  private async takeCardOut(): Promise<void> {
    if (!this.deps.bench.cards.slots[SLOT]?.inserted) return;
    await this.deps.bench.cards.remove(SLOT);
    this.insertedCard = null;
    const reader = this.deps.cardReader;
    if (!reader || reader.selectedReader()?.cardPresent !== true) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        reader.off('card-removed', done);
        resolve();
      };
      const timer = setTimeout(done, 3000);
      reader.on('card-removed', done);
    });
  }

  /** The "hopper empty" fault: the hoppers report empty whatever they held; turning it off puts the coins back. */
  private setHopperEmpty(empty: boolean): void {
    if (empty === this.hopperEmpty) return;
    const { coins } = this.deps.bench.peripherals;
    if (empty) {
      this.savedHopper = coins.snapshot().hoppers.map((hopper) => ({ coinYen: hopper.coinYen, coins: hopper.coins }));
      for (const hopper of this.savedHopper) coins.emptyHopper(hopper.coinYen);
    } else {
      for (const hopper of this.savedHopper) coins.setHopperCoins(hopper.coinYen, hopper.coins);
      this.savedHopper = [];
    }
    this.hopperEmpty = empty;
    this.deps.logger.info({ empty }, 'panel: hopper fault set');
  }

  /** One push per burst of changes (a poll can change several things), and none when nothing changed. */
  private schedulePush(): void {
    if (this.pushScheduled) return;
    this.pushScheduled = true;
    setImmediate(() => {
      this.pushScheduled = false;
      let state: DevicePanelState;
      try {
        state = this.state();
      } catch (error) {
        this.deps.logger.error({ err: error }, 'could not build the device panel state');
        return;
      }
      const serialized = JSON.stringify(state);
      if (serialized === this.lastPushed) return;
      this.lastPushed = serialized;
      for (const listener of [...this.listeners]) listener(state);
    });
  }
}

/** The panel's key names as the virtual PIN pad takes them (digits as numbers). */
function padKey(key: PanelPinKey): number | 'clear' | 'cancel' | 'enter' {
  switch (key) {
    case 'clear':
    case 'cancel':
    case 'enter':
      return key;
    default:
      return Number(key);
  }
}

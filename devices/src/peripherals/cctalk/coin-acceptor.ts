import type { CoinYen, DeviceReason } from '@kiosk/protocols';
import type { CoinAcceptor, CoinCredit, CoinRejection } from '../contracts';
import { LostCreditError } from '../errors';
import { Listeners } from '../events';
import type { Clock, PeripheralLogger } from '../logger';
import type { CcTalkBus } from './bus';
import { interpretCreditBuffer } from './credit';
import {
  COIN_JAM_FAULTS,
  COIN_VALUES,
  Header,
  inhibitMask,
  parseAscii,
  parseCoinId,
  parseCreditBuffer,
  parseSelfCheck,
} from './headers';
import { CcTalkPolledDevice } from './polled-device';

export interface CoinAcceptorOptions {
  id: string;
  bus: CcTalkBus;
  /** ccTalk address of the acceptor (default 2). */
  address?: number;
  /** Credit poll period; ccTalk acceptors buffer five events, so this must stay well under a coin's time. */
  pollMs?: number;
  /** Self-check every this many polls. */
  selfCheckEvery?: number;
  clock?: Clock;
  logger?: PeripheralLogger;
}

/**
 * ccTalk coin acceptor. On every (re)connect it checks the device is a coin acceptor, reads which coin sits
 * at which position (header 184) and restores the wanted inhibit state; then it reads the credit buffer
 * every `pollMs` (header 229) and emits one credit per coin, in order. A gap in the event counter larger
 * than the buffer is a LostCreditError and a sticky `lost-credit` health reason until acknowledged.
 */
export class CcTalkCoinAcceptor extends CcTalkPolledDevice implements CoinAcceptor {
  readonly kind = 'coin-acceptor' as const;
  private readonly address: number;
  private readonly credits: Listeners<CoinCredit>;
  private readonly rejections: Listeners<CoinRejection>;
  private readonly lost: Listeners<LostCreditError>;
  private positions = new Map<number, CoinYen>();
  private wanted: readonly CoinYen[] = [];
  private lastCounter: number | undefined;
  private lostCredit = false;
  private fault = 0;
  private polls = 0;

  constructor(private readonly options: CoinAcceptorOptions) {
    super(options, 'coin-acceptor', { pollMs: options.pollMs ?? 200, task: 'coin poll', failureMessage: 'coin acceptor poll failed' });
    this.address = options.address ?? 2;
    this.credits = new Listeners(`${options.id} credit`, this.logger);
    this.rejections = new Listeners(`${options.id} rejected`, this.logger);
    this.lost = new Listeners(`${options.id} lost-credit`, this.logger);
  }

  onCredit(listener: (credit: CoinCredit) => void): () => void {
    return this.credits.add(listener);
  }

  onRejected(listener: (rejection: CoinRejection) => void): () => void {
    return this.rejections.add(listener);
  }

  onLostCredit(listener: (error: LostCreditError) => void): () => void {
    return this.lost.add(listener);
  }

  acknowledgeLostCredit(): void {
    this.lostCredit = false;
    this.updateHealth();
  }

  async enable(coins: readonly CoinYen[] = COIN_VALUES): Promise<void> {
    this.wanted = [...coins];
    if (this.configured) await this.applyInhibits();
  }

  async disable(): Promise<void> {
    this.wanted = [];
    if (this.configured) await this.applyInhibits();
  }

  /** The coin at each position, as read from the device (for the device panel). */
  coinTable(): ReadonlyMap<number, CoinYen> {
    return this.positions;
  }

  private async configure(): Promise<boolean> {
    const bus = this.options.bus;
    await bus.request(this.address, Header.simplePoll);
    const category = parseAscii(await bus.request(this.address, Header.requestEquipmentCategory));
    if (category !== 'Coin Acceptor') {
      this.tracker.update(['unsupported'], { detail: `address ${this.address} is a "${category.slice(0, 40)}"` });
      return false;
    }
    const positions = new Map<number, CoinYen>();
    for (let position = 1; position <= 16; position += 1) {
      const coin = parseCoinId(await bus.request(this.address, Header.requestCoinId, [position]));
      if (coin !== undefined) positions.set(position, coin);
    }
    this.positions = positions;
    await this.applyInhibits();
    this.configured = true;
    return true;
  }

  private async applyInhibits(): Promise<void> {
    const positions = [...this.positions].filter(([, coin]) => this.wanted.includes(coin)).map(([position]) => position);
    await this.options.bus.request(this.address, Header.modifyInhibitStatus, inhibitMask(positions));
    await this.options.bus.request(this.address, Header.modifyMasterInhibit, [positions.length ? 1 : 0]);
  }

  protected async pollOnce(): Promise<void> {
    if (!this.configured && !(await this.configure())) return;
    await this.readCredit();
    if (this.polls++ % (this.options.selfCheckEvery ?? 5) === 0) {
      this.fault = parseSelfCheck(await this.options.bus.request(this.address, Header.performSelfCheck));
    }
    this.updateHealth();
  }

  private async readCredit(): Promise<void> {
    const buffer = parseCreditBuffer(await this.options.bus.request(this.address, Header.readBufferedCredit));
    const result = interpretCreditBuffer(this.lastCounter, buffer);
    this.lastCounter = buffer.eventCounter;
    if (result.reset) this.logger.warn({ deviceId: this.id }, 'coin acceptor was reset; re-configuring');
    if (result.reset) this.configured = false;
    const at = this.clock.now().toISOString();
    for (const event of result.events) {
      if (event.kind === 'error') {
        // Code 0 is the "null event" of an unused buffer slot, not something that happened.
        if (event.code !== 0) this.rejections.emit({ errorCode: event.code, at });
        continue;
      }
      const coinYen = this.positions.get(event.position);
      if (coinYen === undefined) {
        // A credit for a position we have no value for is money we cannot count: treat it as lost.
        this.reportLost(1);
        continue;
      }
      this.credits.emit({ coinYen, eventCounter: event.eventCounter, at });
    }
    if (result.lost > 0) this.reportLost(result.lost);
  }

  private reportLost(count: number): void {
    this.lostCredit = true;
    const error = new LostCreditError(this.id, count);
    this.logger.error({ deviceId: this.id, lostEvents: count }, 'coin credit events lost');
    this.updateHealth();
    this.lost.emit(error);
  }

  private updateHealth(): void {
    const reasons: DeviceReason[] = [];
    if (COIN_JAM_FAULTS.has(this.fault)) reasons.push('coin-jam');
    else if (this.fault !== 0) reasons.push('other');
    if (this.lostCredit) reasons.push('lost-credit');
    this.tracker.update(reasons, this.fault !== 0 ? { detail: `self-check fault ${this.fault}` } : {});
  }
}

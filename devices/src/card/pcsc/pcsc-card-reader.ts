import { EventEmitter } from 'node:events';
import type { DeviceHealth } from '@kiosk/protocols';
import { parseAtr } from '../apdu/atr';
import { ApduChannel } from '../apdu/channel';
import {
  type CardError,
  CardCommunicationError,
  CardRemovedError,
  DriverStoppedError,
  MalformedResponseError,
  NoCardError,
  PcscUnavailableError,
  ReaderGoneError,
  ReaderNotFoundError,
} from '../errors';
import { type CardLogger, errorText, silentCardLogger } from '../logger';
import { backoffDelay, PCSC_BACKOFF } from './backoff';
import type { CardReaderDriver, CardReaderEvents, CardSession, PcscCardReaderOptions, ReaderInfo } from './card-reader';
import { type HostCall, HostCallError, type HostExitReason, type HostReply, PcscHostClient } from './host-client';
import { asBuffer, type HostEvent } from './host-messages';
import { OperationGuard } from './operation-guard';
import { errorFromPcsc } from './pcsc-errors';
import { deriveReaderHealth } from './reader-health';
import { describePattern, readerMatcher } from './reader-select';

interface ReaderState {
  present: boolean;
  mute: boolean;
  atr: Buffer | null;
}

/** Room for the largest extended response (65536 bytes) and its status word. */
const MAX_RESPONSE = 65538;

/**
 * The real card reader driver: any PC/SC reader through pcscd. The `pcsclite` binding runs in a child
 * process (pcsc-host.ts explains why); this class follows its events, keeps health, and runs exclusive
 * card operations one at a time.
 */
export class PcscCardReader extends EventEmitter<CardReaderEvents> implements CardReaderDriver {
  private readonly host: PcscHostClient;
  private readonly logger: CardLogger;
  private readonly matches: (name: string) => boolean;
  private readonly now: () => Date;
  private readonly states = new Map<string, ReaderState>();
  private serviceUp = false;
  private serviceDetail = 'not started';
  private hostFailure: 'timeout' | 'crash' | null = null;
  private selectedWasSeen = false;
  private stopped = false;
  private restartAttempt = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private active: OperationGuard | null = null;
  private currentHealth: DeviceHealth;
  private firstServiceReport: (() => void) | null = null;

  constructor(private readonly options: PcscCardReaderOptions) {
    super();
    this.logger = options.logger ?? silentCardLogger;
    this.matches = readerMatcher(options.readerPattern);
    this.now = options.now ?? (() => new Date());
    this.currentHealth = {
      deviceId: options.deviceId ?? 'card-reader',
      kind: 'card-reader',
      status: 'missing',
      reasons: ['no-service'],
      detail: 'driver not started',
      since: this.now().toISOString(),
    };
    this.host = new PcscHostClient({
      pcscSocketPath: options.pcscSocketPath,
      logger: this.logger,
      onEvent: (event) => this.onHostEvent(event),
      onExit: (reason) => this.onHostExit(reason),
    });
  }

  /** Starts the PC/SC client; resolves once it has reported whether pcscd answers (or after 5 s). */
  async start(): Promise<void> {
    if (this.stopped) throw new DriverStoppedError();
    const reported = new Promise<void>((resolve) => {
      this.firstServiceReport = resolve;
    });
    this.host.start();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([reported, new Promise<void>((resolve) => (timer = setTimeout(resolve, 5000)))]);
    clearTimeout(timer);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.serviceDetail = 'driver stopped';
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.active?.fail(new DriverStoppedError());
    await this.host.stop();
  }

  health(): DeviceHealth {
    return { ...this.currentHealth, reasons: [...this.currentHealth.reasons] };
  }

  readers(): ReaderInfo[] {
    const selected = this.selectedName();
    return [...this.states].map(([name, state]) => ({ name, selected: name === selected, cardPresent: state.present, cardMute: state.mute }));
  }

  selectedReader(): ReaderInfo | null {
    return this.readers().find((reader) => reader.selected) ?? null;
  }

  withExclusiveCard<T>(operation: (card: CardSession) => Promise<T>): Promise<T> {
    const run = this.queue.then(() => this.runExclusive(operation));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async runExclusive<T>(operation: (card: CardSession) => Promise<T>): Promise<T> {
    if (this.stopped) throw new DriverStoppedError();
    if (!this.host.running || !this.serviceUp) throw new PcscUnavailableError(this.serviceDetail);
    const reader = this.selectedName();
    if (!reader) throw new ReaderNotFoundError(describePattern(this.options.readerPattern));
    const state = this.states.get(reader);
    if (!state?.present) throw new NoCardError(reader);
    const guard = new OperationGuard(reader);
    this.active = guard;
    const atr = state.atr ?? Buffer.alloc(0);
    let connected = false;
    try {
      await guard.run(this.call({ type: 'connect', reader }, this.connectTimeout, 'SCardConnect', reader));
      connected = true;
      const channel = new ApduChannel((apdu) => this.transmit(guard, reader, apdu), {
        extendedLength: this.extendedLength(atr),
        onApdu: this.options.onApdu,
      });
      const session: CardSession = {
        reader,
        atr,
        extendedLength: channel.extendedLength,
        maxResponseLength: channel.maxResponseLength,
        get apduCount() {
          return channel.apduCount;
        },
        transmit: (command) => channel.transmit(command),
      };
      return await operation(session);
    } finally {
      if (this.active === guard) this.active = null;
      if (connected && this.host.running) {
        // Reset on the way out: the next session (ours or anyone's) starts with no PIN verified.
        await this.call({ type: 'disconnect', reader, disposition: 'reset' }, this.connectTimeout, 'SCardDisconnect', reader).catch(
          (error: unknown) => this.logger.debug({ reader, err: errorText(error) }, 'disconnect after the operation failed'),
        );
      }
    }
  }

  private async transmit(guard: OperationGuard, reader: string, apdu: Buffer): Promise<Buffer> {
    try {
      const reply = await guard.run(this.call({ type: 'transmit', reader, apdu, maxResponse: MAX_RESPONSE }, this.transmitTimeout, 'SCardTransmit', reader));
      const response = reply.response ? asBuffer(reply.response) : Buffer.alloc(0);
      if (response.length < 2) {
        // vpcd (and some readers) report a card that vanished mid-APDU as success with no bytes.
        throw (await guard.tripsWithin(this.removalGrace)) ?? new MalformedResponseError('response-apdu', `${response.length} bytes, no status word`);
      }
      return response;
    } catch (error) {
      // A transmit that failed while the card was being pulled out: pcscd's next poll says so.
      if (error instanceof CardCommunicationError) throw (await guard.tripsWithin(this.removalGrace)) ?? error;
      throw error;
    }
  }

  private async call(request: HostCall, timeoutMs: number, operation: string, reader: string): Promise<HostReply> {
    try {
      return await this.host.call(request, timeoutMs, operation);
    } catch (error) {
      if (error instanceof HostCallError) throw errorFromPcsc(error.failure.pcscCode, reader, error.failure.message);
      throw error;
    }
  }

  private onHostEvent(event: HostEvent): void {
    switch (event.type) {
      case 'service':
        this.serviceUp = event.up;
        this.serviceDetail = event.detail;
        if (event.up) {
          this.hostFailure = null;
          this.restartAttempt = 0;
          this.logger.info({}, 'PC/SC service available');
        } else {
          this.forgetReaders(new PcscUnavailableError(event.detail));
          this.logger.warn({ detail: event.detail }, 'PC/SC service unavailable; retrying with backoff');
        }
        this.firstServiceReport?.();
        this.firstServiceReport = null;
        break;
      case 'reader-added': {
        this.states.set(event.reader, { present: false, mute: false, atr: null });
        const selected = this.selectedName() === event.reader;
        if (selected) this.selectedWasSeen = true;
        this.logger.info({ reader: event.reader, selected }, 'reader added');
        this.emit('reader-added', { reader: event.reader, selected });
        break;
      }
      case 'reader-removed':
        this.removeReader(event.reader, new ReaderGoneError(event.reader));
        break;
      case 'reader-status':
        this.updateStatus(event.reader, event.present, event.mute, event.atr ? Buffer.from(event.atr) : null);
        break;
      case 'reply':
        break; // settled by the host client
    }
    this.updateHealth();
  }

  private updateStatus(reader: string, present: boolean, mute: boolean, atr: Buffer | null): void {
    const state = this.states.get(reader);
    if (!state) return;
    const selected = this.selectedName() === reader;
    const was = state.present;
    state.present = present;
    state.mute = mute;
    state.atr = present ? atr : null;
    if (present && !was) {
      this.logger.info({ reader, selected, atr: atr?.toString('hex') ?? null }, 'card inserted');
      this.emit('card-inserted', { reader, selected, atr: atr ?? Buffer.alloc(0) });
    } else if (!present && was) {
      this.logger.info({ reader, selected }, 'card removed');
      if (this.active?.reader === reader) this.active.fail(new CardRemovedError(reader));
      this.emit('card-removed', { reader, selected });
    }
  }

  private removeReader(reader: string, reason: CardError): void {
    const state = this.states.get(reader);
    if (!state) return;
    const selected = this.selectedName() === reader;
    if (this.active?.reader === reader) this.active.fail(reason);
    if (state.present) this.updateStatus(reader, false, false, null);
    this.states.delete(reader);
    this.logger.info({ reader, selected }, 'reader removed');
    this.emit('reader-removed', { reader, selected });
  }

  private forgetReaders(reason: CardError): void {
    this.active?.fail(reason);
    for (const reader of [...this.states.keys()]) this.removeReader(reader, reason);
  }

  private onHostExit(reason: HostExitReason): void {
    this.serviceUp = false;
    this.forgetReaders(reason === 'stopped' ? new DriverStoppedError() : new PcscUnavailableError('the PC/SC client process exited'));
    if (this.stopped || reason === 'stopped') {
      this.updateHealth();
      return;
    }
    this.hostFailure = reason === 'timeout' ? 'timeout' : 'crash';
    this.updateHealth();
    const wait = backoffDelay(this.restartAttempt, PCSC_BACKOFF);
    this.restartAttempt += 1;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stopped) return;
      try {
        this.host.start();
      } catch (error) {
        this.logger.error({ err: errorText(error) }, 'cannot start the PC/SC client process');
        this.onHostExit('crash');
      }
    }, wait);
  }

  private updateHealth(): void {
    const state = deriveReaderHealth({
      hostRunning: this.host.running,
      hostFailure: this.hostFailure,
      serviceUp: this.serviceUp,
      serviceDetail: this.serviceDetail,
      readers: [...this.states.keys()],
      patternText: describePattern(this.options.readerPattern),
      selected: this.selectedName(),
      selectedWasSeen: this.selectedWasSeen,
    });
    const previous = this.currentHealth;
    const changed = previous.status !== state.status || previous.reasons.join() !== state.reasons.join();
    this.currentHealth = { ...previous, ...state, since: changed ? this.now().toISOString() : previous.since };
    if (changed) this.emit('health', this.health());
  }

  private selectedName(): string | null {
    for (const name of this.states.keys()) if (this.matches(name)) return name;
    return null;
  }

  private extendedLength(atr: Buffer): boolean {
    try {
      return parseAtr(atr).extendedLength;
    } catch (error) {
      this.logger.debug({ err: errorText(error) }, 'unreadable ATR; using short APDUs');
      return false;
    }
  }

  private get transmitTimeout(): number {
    return this.options.transmitTimeoutMs ?? 10_000;
  }

  private get removalGrace(): number {
    return this.options.removalGraceMs ?? 1500;
  }

  private get connectTimeout(): number {
    return this.options.connectTimeoutMs ?? 5_000;
  }
}

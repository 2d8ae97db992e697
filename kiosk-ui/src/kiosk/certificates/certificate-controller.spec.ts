import type { CertificateOrder, CertificatesPinKey, CertificatesQuoteAck, CertificateViewState } from '@kiosk/protocols';
import { CertificateController, type CertificateStore } from './certificate-controller';
import type { CertificateCommand, CertificatePort } from './certificate-link';
import { view } from './spec-fixtures';
import { ManualTime } from '../../shared/test-time';

/** An in-memory agent: records what was sent and pushes states when the test says so. */
class FakePort implements CertificatePort {
  latest: CertificateViewState | null = null;
  readonly sent: unknown[] = [];
  readonly #listeners = new Set<(state: CertificateViewState) => void>();

  subscribe(listener: (state: CertificateViewState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  push(state: CertificateViewState): void {
    this.latest = state;
    for (const listener of this.#listeners) listener(state);
  }

  command(command: CertificateCommand): Promise<void> {
    this.sent.push(command);
    return Promise.resolve();
  }

  pinKey(key: CertificatesPinKey): Promise<void> {
    this.sent.push(key);
    return Promise.resolve();
  }

  quote(order: CertificateOrder): Promise<CertificatesQuoteAck> {
    this.sent.push({ quote: order });
    return Promise.resolve({ ok: true, unitFeeYen: 200, copies: order.copies, feeYen: 200 * order.copies });
  }
}

class Store implements CertificateStore {
  view: CertificateViewState = { screen: 'idle' };
  idleSeconds: number | null = null;
  pending = false;
  setView(v: CertificateViewState): void {
    this.view = v;
  }
  setIdleSeconds(seconds: number | null): void {
    this.idleSeconds = seconds;
  }
  setPending(pending: boolean): void {
    this.pending = pending;
  }
}

function setup(latest: CertificateViewState | null = null) {
  const port = new FakePort();
  port.latest = latest;
  const store = new Store();
  const time = new ManualTime();
  const ended: string[] = [];
  const problems: string[] = [];
  const controller = new CertificateController(
    port,
    { finish: () => ended.push('done'), idleTimeout: () => ended.push('idle-timeout') },
    store,
    { idleMs: 60_000, clock: time, timers: time, report: (what) => problems.push(what) },
  );
  controller.start();
  return { port, store, time, ended, problems, controller };
}

const pin = (digitsEntered: number, triesLeft: number | null = null) =>
  view({ screen: 'pin', digitsEntered, pinLength: 4, triesLeft, wrongLength: false });

describe('CertificateController', () => {
  it('draws what the agent pushes and sends PIN keys one at a time, keeping none', () => {
    const { port, store, controller } = setup();
    port.push(view({ screen: 'insert-card' }));
    expect(store.view.screen).toBe('insert-card');
    port.push(pin(0));
    controller.pinKey('1');
    controller.pinKey('9');
    controller.pinKey('clear');
    controller.pinKey('enter');
    expect(port.sent).toEqual([{ type: 'digit', digit: 1 }, { type: 'digit', digit: 9 }, { type: 'clear' }, { type: 'enter' }]);
    expect(JSON.stringify(store)).not.toMatch(/"digit"/);
  });

  it('ignores a done left over from the previous person, and hands back on a fresh done', () => {
    const { port, store, ended } = setup(view({ screen: 'done' }));
    expect(store.view.screen).toBe('idle');
    port.push(view({ screen: 'checking' }));
    port.push(view({ screen: 'take-certificate', copies: 2, changeYen: 100, unpaidChangeYen: 0, voucherPrinted: false, receiptPrinted: true }));
    port.push(view({ screen: 'done' }));
    expect(ended).toEqual(['done']);
    expect(store.view.screen).toBe('take-certificate');
    port.push(view({ screen: 'done' }));
    expect(ended).toEqual(['done']);
  });

  it('warns after a quiet minute, ends the session 30 s later, and only once; home when the agent says the flow is over', () => {
    const { port, store, time, ended } = setup();
    port.push(pin(2));
    time.advance(60_000);
    expect(store.idleSeconds).toBe(30);
    time.advance(30_000);
    expect(ended).toEqual(['idle-timeout']);
    expect(store.idleSeconds).toBeNull();
    time.advance(600_000);
    expect(ended).toEqual(['idle-timeout']);
    port.push(view({ screen: 'done' }));
    expect(ended).toEqual(['idle-timeout', 'done']);
    port.push(view({ screen: 'idle' }));
    expect(ended).toEqual(['idle-timeout', 'done']);
  });

  it('counts a digit typed on the hardware PIN pad (seen only as the count) as the person still there', () => {
    const { port, store, time, ended } = setup();
    port.push(pin(0));
    time.advance(50_000);
    port.push(pin(1));
    time.advance(50_000);
    port.push(pin(2));
    time.advance(59_000);
    expect(store.idleSeconds).toBeNull();
    // The same count again (a repeated push) is nobody's key.
    port.push(pin(2));
    time.advance(1_000);
    expect(store.idleSeconds).toBe(30);
    expect(ended).toEqual([]);
  });

  it('after the idle expiry, a card left in the reader is asked for until it is out, then home', () => {
    const { port, store, time, ended } = setup();
    port.push(pin(0));
    time.advance(90_000);
    expect(ended).toEqual(['idle-timeout']);
    // The agent wiped the flow and waits for the card: the screen shows that, with no idle warning.
    port.push(view({ screen: 'remove-card', quote: null }));
    expect(store.view).toEqual({ screen: 'remove-card', quote: null });
    time.advance(600_000);
    expect(store.idleSeconds).toBeNull();
    expect(ended).toEqual(['idle-timeout']);
    port.push(view({ screen: 'done' }));
    expect(ended).toEqual(['idle-timeout', 'done']);
  });

  it('after the idle expiry, an agent reporting idle (wiped) also sends the screen home', () => {
    const { port, time, ended } = setup();
    port.push(view({ screen: 'insert-card' }));
    time.advance(90_000);
    port.push(view({ screen: 'idle' }));
    expect(ended).toEqual(['idle-timeout', 'done']);
  });

  it('an idle expiry with no flow at the agent goes home at once (nothing more will be reported)', () => {
    const { ended, time } = setup();
    time.advance(90_000);
    expect(ended).toEqual(['idle-timeout', 'done']);
  });

  it('a touch during the warning extends the session', () => {
    const { port, store, time, ended, controller } = setup();
    port.push(view({ screen: 'insert-card' }));
    time.advance(70_000);
    expect(store.idleSeconds).toBe(20);
    controller.activity();
    expect(store.idleSeconds).toBeNull();
    time.advance(80_000);
    expect(ended).toEqual([]);
  });

  it('never times out while the agent works with money or paper in play', () => {
    const { port, store, time, ended } = setup();
    port.push(view({ screen: 'pay', quote: { order: { options: { type: 'inkan' }, copies: 1 }, certificateType: 'inkan', nameJa: '印鑑登録証明書', nameEn: 'Seal', unitFeeYen: 200, copies: 1, feeYen: 200 }, insertedYen: 0, acceptedCoins: [10, 50, 100, 500], exactAmountOnly: false }));
    time.advance(65_000);
    expect(store.idleSeconds).toBe(25);
    port.push(view({ screen: 'printing', copies: 1, stage: 'certificate' }));
    expect(store.idleSeconds).toBeNull();
    time.advance(600_000);
    expect(ended).toEqual([]);
  });

  it('marks commands pending until the agent answers', async () => {
    const { port, store, controller } = setup();
    port.push(view({ screen: 'confirm', quote: { order: { options: { type: 'inkan' }, copies: 1 }, certificateType: 'inkan', nameJa: '印鑑登録証明書', nameEn: 'Seal', unitFeeYen: 200, copies: 1, feeYen: 200 } }));
    controller.command('confirm');
    expect(store.pending).toBe(true);
    await Promise.resolve();
    await Promise.resolve();
    expect(store.pending).toBe(false);
    expect(port.sent).toEqual(['confirm']);
  });

  it('stops listening when disposed', () => {
    const { port, store, controller } = setup();
    controller.dispose();
    port.push(view({ screen: 'insert-card' }));
    expect(store.view.screen).toBe('idle');
  });
});

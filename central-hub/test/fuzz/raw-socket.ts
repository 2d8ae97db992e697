import WebSocket from 'ws';
import type { Frame } from './frame-generator';

export type Outcome = 'answered' | 'closed' | 'silent';

const nspPrefix = (namespace: string) => (namespace === '/' ? '' : `${namespace},`);

/**
 * engine.io v4 over a websocket, spoken by hand so that any frame at all can be sent: a socket.io client
 * only sends what it can encode. Answers the hub's pings (so an idle fuzzer is not dropped for it) and
 * lets the caller wait for the hub's answer to a packet, or for the connection's end.
 */
export class RawSocket {
  private readonly waiters = new Set<{ prefixes: readonly string[]; done: (outcome: Outcome, matched?: string) => void }>();
  private ended = false;
  /** Every message the hub sent on this connection. */
  received = 0;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      this.received += 1;
      if (isBinary) return;
      const text = data.toString();
      if (text === '2') ws.send('3');
      for (const waiter of this.waiters) {
        const matched = waiter.prefixes.find((prefix) => text.startsWith(prefix));
        if (matched !== undefined) waiter.done('answered', matched);
      }
    });
    ws.on('close', () => this.end());
    ws.on('error', () => this.end());
  }

  /** Resolves once the hub's engine.io OPEN packet arrived; rejects if the upgrade is refused or times out. */
  static open(url: string, timeoutMs = 10_000): Promise<RawSocket> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error('no engine.io OPEN packet'));
      }, timeoutMs);
      ws.once('message', (data: WebSocket.RawData) => {
        clearTimeout(timer);
        if (data.toString().startsWith('0')) resolve(new RawSocket(ws));
        else reject(new Error(`unexpected first packet ${data.toString().slice(0, 40)}`));
      });
      ws.once('unexpected-response', (_request, response) => {
        clearTimeout(timer);
        reject(new Error(`upgrade refused: HTTP ${response.statusCode ?? '?'}`));
      });
      ws.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  get closed(): boolean {
    return this.ended;
  }

  send(frame: Frame | string): void {
    if (this.ended) return;
    const data = typeof frame === 'string' ? frame : frame.data;
    this.ws.send(data, { binary: typeof frame !== 'string' && frame.kind === 'binary' });
  }

  /**
   * The next message from the hub that starts with one of `prefixes` (`answered`, with the prefix it
   * matched), the connection's end (`closed`), or neither in time (`silent`).
   */
  waitFor(prefixes: readonly string[], timeoutMs: number): Promise<{ outcome: Outcome; matched?: string }> {
    if (this.ended) return Promise.resolve({ outcome: 'closed' });
    return new Promise((resolve) => {
      const waiter = {
        prefixes,
        done: (outcome: Outcome, matched?: string) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(matched === undefined ? { outcome } : { outcome, matched });
        },
      };
      const timer = setTimeout(() => waiter.done('silent'), timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** CONNECT to `namespace` with `auth`: true once the hub admitted the socket, false if it refused or closed. */
  async connect(namespace: string, auth: unknown, timeoutMs = 10_000): Promise<boolean> {
    const nsp = nspPrefix(namespace);
    const answer = this.waitFor([`40${nsp}`, `44${nsp}`], timeoutMs);
    this.send(`40${nsp}${JSON.stringify(auth)}`);
    const { matched } = await answer;
    return matched === `40${nsp}` && !this.ended;
  }

  close(): void {
    this.ws.terminate();
    this.end();
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const waiter of this.waiters) waiter.done('closed');
  }
}

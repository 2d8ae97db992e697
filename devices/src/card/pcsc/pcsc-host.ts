/**
 * The PC/SC host: a child process that owns the `pcsclite` binding, started by PcscHostClient.
 *
 * Why a separate process: the binding runs SCardTransmit on libuv's thread pool while holding a
 * per-reader mutex that its status callback also takes on the main thread. A transmit that never
 * returns (a stuck card, a wedged pcscd) would block the agent's event loop and thread pool for good.
 * Here it only blocks this process, which the driver kills on timeout and starts again. It also gives
 * every driver its own PCSCLITE_CSOCK_NAME (libpcsclite reads it once per process).
 *
 * The binding can recover in-process after pcscd dies (a new PCSCLite establishes a new context), so the
 * host does that itself with backoff; the driver restarts the host only when it dies or hangs.
 */
import pcsclite from 'pcsclite';
import { backoffDelay, PCSC_BACKOFF } from './backoff';
import { asBuffer, type HostEvent, type HostRequest, parseHostRequest } from './host-messages';
import { pcscCodeFromMessage } from './pcsc-errors';

type PcscLite = ReturnType<typeof pcsclite>;
type Reader = Parameters<Parameters<PcscLite['on']>[1]>[0] & { name: string };

interface ReaderEntry {
  reader: Reader;
  protocol: number | null;
}

const SCARD_E_UNKNOWN_READER = 0x80100009;

class PcscHost {
  private pcsc: PcscLite | null = null;
  private readonly readers = new Map<string, ReaderEntry>();
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(private readonly send: (event: HostEvent) => void) {}

  establish(): void {
    this.retryTimer = null;
    let pcsc: PcscLite;
    try {
      pcsc = pcsclite();
    } catch (error) {
      this.serviceDown(error);
      return;
    }
    this.pcsc = pcsc;
    this.attempt = 0;
    this.send({ type: 'service', up: true, detail: 'context established', pcscCode: null });
    pcsc.on('reader', (reader) => this.addReader(pcsc, reader as Reader));
    pcsc.on('error', (error: unknown) => this.lost(pcsc, error));
  }

  handle(request: HostRequest): void {
    const entry = this.readers.get(request.reader);
    if (!entry) {
      this.fail(request.id, `SCardConnect error: Unknown reader specified.(0x${SCARD_E_UNKNOWN_READER.toString(16)})`);
      return;
    }
    const { reader } = entry;
    switch (request.type) {
      case 'connect': {
        const connect = (): void =>
          reader.connect({ share_mode: reader.SCARD_SHARE_EXCLUSIVE, protocol: reader.SCARD_PROTOCOL_T0 | reader.SCARD_PROTOCOL_T1 }, (error, protocol) => {
            if (error) return this.fail(request.id, error);
            entry.protocol = protocol;
            this.send({ type: 'reply', id: request.id, ok: true, protocol, response: null });
          });
        // A handle left over from an operation that was cut short: end it first.
        if (reader.connected) reader.disconnect(reader.SCARD_RESET_CARD, () => connect());
        else connect();
        return;
      }
      case 'transmit': {
        const apdu = Buffer.from(asBuffer(request.apdu));
        request.apdu.fill(0); // may hold PIN digits (VERIFY): keep one copy, wiped after the call
        reader.transmit(apdu, request.maxResponse, entry.protocol ?? reader.SCARD_PROTOCOL_T1, (error, response) => {
          apdu.fill(0);
          if (error) return this.fail(request.id, error);
          this.send({ type: 'reply', id: request.id, ok: true, protocol: null, response });
        });
        return;
      }
      case 'disconnect': {
        const disposition = { leave: reader.SCARD_LEAVE_CARD, reset: reader.SCARD_RESET_CARD, unpower: reader.SCARD_UNPOWER_CARD }[request.disposition];
        reader.disconnect(disposition, (error) => {
          entry.protocol = null;
          if (error) return this.fail(request.id, error);
          this.send({ type: 'reply', id: request.id, ok: true, protocol: null, response: null });
        });
        return;
      }
    }
  }

  close(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const pcsc = this.pcsc;
    this.pcsc = null;
    for (const { reader } of this.readers.values()) safely(() => reader.close());
    this.readers.clear();
    if (pcsc) safely(() => pcsc.close());
  }

  private addReader(pcsc: PcscLite, reader: Reader): void {
    if (this.pcsc !== pcsc) return;
    const name = reader.name;
    this.readers.set(name, { reader, protocol: null });
    this.send({ type: 'reader-added', reader: name });
    reader.on('status', (status) => {
      if (this.readers.get(name)?.reader !== reader) return;
      const present = (status.state & reader.SCARD_STATE_PRESENT) !== 0;
      const mute = (status.state & reader.SCARD_STATE_MUTE) !== 0;
      this.send({ type: 'reader-status', reader: name, present, mute, atr: present && status.atr?.length ? status.atr : null });
    });
    reader.on('error', () => undefined); // an 'end' follows; a lost service is reported by the context
    reader.on('end', () => {
      if (this.readers.get(name)?.reader !== reader) return;
      this.readers.delete(name);
      this.send({ type: 'reader-removed', reader: name });
    });
  }

  /** pcscd went away: say so first (the driver forgets every reader with it), then retry with backoff. */
  private lost(pcsc: PcscLite, error: unknown): void {
    if (this.pcsc !== pcsc) return;
    this.close();
    this.serviceDown(error);
  }

  private serviceDown(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.send({ type: 'service', up: false, detail: message, pcscCode: pcscCodeFromMessage(message) });
    const wait = backoffDelay(this.attempt, PCSC_BACKOFF);
    this.attempt += 1;
    this.retryTimer = setTimeout(() => this.establish(), wait);
  }

  private fail(id: number, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.send({ type: 'reply', id, ok: false, message, pcscCode: pcscCodeFromMessage(message) });
  }
}

function safely(action: () => unknown): void {
  try {
    action();
  } catch {
    // closing something already gone
  }
}

function main(): void {
  const send = (event: HostEvent): void => {
    if (process.connected) process.send?.(event);
  };
  const host = new PcscHost(send);
  process.on('message', (message: unknown) => {
    let request: HostRequest;
    try {
      request = parseHostRequest(message);
    } catch {
      return; // the parent is our own code; a bad message is dropped and its caller times out
    }
    host.handle(request);
  });
  const exit = (): void => {
    host.close();
    process.exit(0);
  };
  process.on('disconnect', exit); // the driver went away
  process.on('SIGTERM', exit);
  host.establish();
}

main();

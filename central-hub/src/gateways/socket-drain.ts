/** What the drain needs of a server-side socket.io socket. */
export interface DrainableSocket {
  readonly connected: boolean;
  disconnect(): unknown;
}

export interface DrainReport {
  /** Sockets connected when the drain began. */
  sockets: number;
  /** Of those, how many had a message in flight and were closed only after answering it. */
  waitedFor: number;
  /** Closed with a message still in flight because the deadline passed (its ack is lost; the sender resends). */
  cutOff: number;
}

/**
 * Graceful drain of one namespace's sockets (issue 14): counts the messages each socket has in flight
 * (from receipt to the ack being written), and once draining, closes every socket as soon as it has
 * none, so an event batch the hub is committing is still acked before the kiosk is told to go (a
 * server-side disconnect: the agent reconnects with its backoff, to the next hub of its list or through
 * the load balancer). A socket that connects while draining is closed at once.
 *
 * The disconnect is socket.io's namespace disconnect (`socket.disconnect()`, not `disconnect(true)`): a
 * DISCONNECT packet written after the ack on the same open connection, so the kiosk receives the ack,
 * then `io server disconnect` (its cue to try the next hub of its list), and closes the connection
 * itself. Closing the transport instead would race the packet: socket.io-client handles a packet on
 * the next tick and a transport close at once, so the agent would see `transport close` and retry the
 * same hub first. The hub's final close ends whatever connection is still open.
 */
export class SocketDrain<S extends DrainableSocket> {
  private readonly inFlight = new Map<S, number>();
  private draining: { report: DrainReport; settle: () => void; done: Promise<void> } | null = null;

  get isDraining(): boolean {
    return this.draining !== null;
  }

  /**
   * Runs `work` (which answers the message) counted as in flight on `socket`, from this call on: the
   * count goes up before this returns, so a drain that starts meanwhile waits for the answer.
   */
  track(socket: S, work: () => Promise<unknown>): Promise<unknown> {
    this.inFlight.set(socket, (this.inFlight.get(socket) ?? 0) + 1);
    return Promise.resolve()
      .then(work)
      .finally(() => this.settle(socket));
  }

  private settle(socket: S): void {
    const left = (this.inFlight.get(socket) ?? 1) - 1;
    if (left > 0) {
      this.inFlight.set(socket, left);
      return;
    }
    this.inFlight.delete(socket);
    if (this.draining) this.close(socket);
  }

  /** A socket just connected: false (and closed) while draining. */
  admit(socket: S): boolean {
    if (!this.draining) return true;
    socket.disconnect();
    return false;
  }

  /**
   * Closes every idle socket now and each busy one after its last answer. Resolves when none is left
   * busy, or when `deadline` resolves first (then the busy ones are closed anyway and counted as cut
   * off). Calling it again returns the first drain's report.
   */
  async drain(sockets: Iterable<S>, deadline: Promise<unknown>): Promise<DrainReport> {
    if (!this.draining) {
      let settle: () => void = () => undefined;
      const done = new Promise<void>((resolve) => (settle = resolve));
      const report: DrainReport = { sockets: 0, waitedFor: 0, cutOff: 0 };
      this.draining = { report, settle, done };
      for (const socket of sockets) {
        report.sockets += 1;
        if (this.inFlight.has(socket)) report.waitedFor += 1;
        else socket.disconnect();
      }
      this.settleIfIdle();
    }
    const draining = this.draining;
    await Promise.race([draining.done, deadline]);
    if (this.inFlight.size > 0) {
      for (const socket of [...this.inFlight.keys()]) {
        draining.report.cutOff += 1;
        this.inFlight.delete(socket);
        socket.disconnect();
      }
      draining.settle();
    }
    return { ...draining.report };
  }

  private close(socket: S): void {
    if (socket.connected) socket.disconnect();
    this.settleIfIdle();
  }

  private settleIfIdle(): void {
    if (this.draining && this.inFlight.size === 0) this.draining.settle();
  }
}

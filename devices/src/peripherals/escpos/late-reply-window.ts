/**
 * What the channel owes after a DLE EOT question timed out: its answer may still be on the way, and status
 * answers carry no tag, so taken for the next question's answer it would shift every later pairing by one
 * (a paper-sensor byte read as the offline byte). The window opens at the timeout; any status byte arriving
 * while it is open is that late answer, and restarts it (two questions may be owed). The next question goes
 * out once the line has been quiet for `quietMs`: an answer that late is taken as never coming.
 */
export class LateReplyWindow {
  private timer: NodeJS.Timeout | undefined;
  private closed: Promise<void> | undefined;
  private close: (() => void) | undefined;

  constructor(private readonly quietMs: number) {}

  /** A question went unanswered in time: its answer may still come. */
  open(): void {
    this.closed ??= new Promise((resolve) => {
      this.close = resolve;
    });
    this.restartQuietPeriod();
  }

  /** True when a status byte is a late answer (the window is open); the quiet period starts again. */
  takeLateReply(): boolean {
    if (!this.close) return false;
    this.restartQuietPeriod();
    return true;
  }

  /** Resolves once nothing is owed any more: at once when the window is closed. */
  whenQuiet(): Promise<void> {
    return this.closed ?? Promise.resolve();
  }

  /** Closes the window now (a lost connection owes nothing; the next question goes out on a new one). */
  shut(): void {
    if (this.timer) clearTimeout(this.timer);
    const close = this.close;
    this.timer = undefined;
    this.close = undefined;
    this.closed = undefined;
    close?.();
  }

  private restartQuietPeriod(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.shut(), this.quietMs);
  }
}

import type { PinPad, PinPadKey } from '@kiosk/devices';

/** What anyone outside the agent process may know about a PIN being typed: how many digits, never which. */
export interface PinEntryState {
  digits: number;
  /** Enter was pressed; the digits wait for `take()`. */
  submitted: boolean;
}

/** Longest PIN a pad may type (JPKI user authentication and facility PINs have 4 digits). */
export const MAX_PIN_DIGITS = 8;

/**
 * The PIN as it is typed on the hardware pad: digits held in one Buffer inside the agent process, zeroed
 * on clear, cancel, take and reset. `take()` hands the digits over once (for the card's VERIFY, whose
 * caller zeroes them after use). Listeners get the count of digits only. Nothing here logs.
 */
export class PinEntry {
  private readonly buffer = Buffer.alloc(MAX_PIN_DIGITS);
  private length = 0;
  private submitted = false;
  private readonly listeners = new Set<(state: PinEntryState) => void>();

  /** Follows a PIN pad's keys; returns the unsubscribe function. */
  attach(pad: PinPad): () => void {
    return pad.onKey((key) => this.press(key));
  }

  press(key: PinPadKey): void {
    switch (key.type) {
      case 'digit':
        if (this.submitted || this.length >= MAX_PIN_DIGITS || !Number.isInteger(key.digit) || key.digit < 0 || key.digit > 9) return;
        this.buffer[this.length] = 0x30 + key.digit;
        this.length += 1;
        break;
      case 'clear':
      case 'cancel':
        this.wipe();
        break;
      case 'enter':
        if (this.length === 0) return;
        this.submitted = true;
        break;
    }
    this.emit();
  }

  state(): PinEntryState {
    return { digits: this.length, submitted: this.submitted };
  }

  /** The submitted digits as ASCII (a fresh Buffer the caller zeroes), or null if Enter was not pressed. */
  take(): Buffer | null {
    if (!this.submitted) return null;
    const pin = Buffer.from(this.buffer.subarray(0, this.length));
    this.wipe();
    this.emit();
    return pin;
  }

  /** Forgets whatever was typed (a session began or ended). */
  reset(): void {
    if (this.length === 0 && !this.submitted) return;
    this.wipe();
    this.emit();
  }

  onChange(listener: (state: PinEntryState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private wipe(): void {
    this.buffer.fill(0);
    this.length = 0;
    this.submitted = false;
  }

  private emit(): void {
    const state = this.state();
    for (const listener of [...this.listeners]) listener(state);
  }
}

import type { PinPad, PinPadKey } from '../contracts';
import { Listeners } from '../events';
import { HidKeyboardDevice, type HidKeyboardOptions } from './hid-keyboard-device';
import type { KeyPress } from './keyboard';
import { pinPadKey } from './pinpad-keys';

/**
 * A HID PIN pad. Keys go to the subscriber and nowhere else: no log line, no buffer, no count of digits.
 * Listener failures are logged without the key (Listeners logs only the event name and the error).
 */
export class HidPinPad extends HidKeyboardDevice implements PinPad {
  readonly kind = 'pin-pad' as const;
  private readonly keys: Listeners<PinPadKey>;

  constructor(options: HidKeyboardOptions) {
    super(options, 'pin-pad');
    this.keys = new Listeners(`${options.id} key`, this.logger);
  }

  onKey(listener: (key: PinPadKey) => void): () => void {
    return this.keys.add(listener);
  }

  protected handleKey(key: KeyPress): void {
    const padKey = pinPadKey(key.usage);
    if (padKey) this.keys.emit(padKey);
  }
}

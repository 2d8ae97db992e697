import type { BarcodeScanner } from '../contracts';
import { Listeners } from '../events';
import { HidKeyboardDevice, type HidKeyboardOptions } from './hid-keyboard-device';
import { BarcodeAssembler, type KeyPress } from './keyboard';

/** A USB barcode scanner in keyboard mode: characters until Enter make one code. */
export class HidBarcodeScanner extends HidKeyboardDevice implements BarcodeScanner {
  readonly kind = 'barcode-scanner' as const;
  private readonly assembler = new BarcodeAssembler();
  private readonly codes: Listeners<string>;

  constructor(options: HidKeyboardOptions) {
    super(options, 'barcode-scanner');
    this.codes = new Listeners(`${options.id} barcode`, this.logger);
  }

  onBarcode(listener: (code: string) => void): () => void {
    return this.codes.add(listener);
  }

  protected handleKey(key: KeyPress): void {
    const code = this.assembler.push(key);
    // The code itself is not logged: a facility user card number identifies a person.
    if (code !== undefined) this.codes.emit(code);
  }
}

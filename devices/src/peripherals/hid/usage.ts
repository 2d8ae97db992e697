/**
 * HID keyboard usages (HID Usage Tables, page 0x07) for a US-layout barcode scanner, which is how nearly
 * every USB scanner presents itself. Unshifted and shifted characters per usage.
 */
const PRINTABLE: Record<number, [string, string]> = {};
'abcdefghijklmnopqrstuvwxyz'.split('').forEach((letter, i) => {
  PRINTABLE[0x04 + i] = [letter, letter.toUpperCase()];
});
['1!', '2@', '3#', '4$', '5%', '6^', '7&', '8*', '9(', '0)'].forEach((pair, i) => {
  PRINTABLE[0x1e + i] = [pair[0] as string, pair[1] as string];
});
const PUNCTUATION: Array<[number, string, string]> = [
  [0x2c, ' ', ' '],
  [0x2d, '-', '_'],
  [0x2e, '=', '+'],
  [0x2f, '[', '{'],
  [0x30, ']', '}'],
  [0x31, '\\', '|'],
  [0x33, ';', ':'],
  [0x34, "'", '"'],
  [0x35, '`', '~'],
  [0x36, ',', '<'],
  [0x37, '.', '>'],
  [0x38, '/', '?'],
  [0x54, '/', '/'],
  [0x55, '*', '*'],
  [0x56, '-', '-'],
  [0x57, '+', '+'],
  [0x63, '.', '.'],
];
for (const [usage, plain, shifted] of PUNCTUATION) PRINTABLE[usage] = [plain, shifted];
// Keypad digits 1-9, 0.
for (let i = 0; i < 10; i += 1) PRINTABLE[0x59 + i] = [String((i + 1) % 10), String((i + 1) % 10)];

export const Usage = {
  errorRollOver: 0x01,
  enter: 0x28,
  escape: 0x29,
  backspace: 0x2a,
  tab: 0x2b,
  delete: 0x4c,
  keypadEnter: 0x58,
} as const;

/** Left and right shift bits of the modifier byte. */
export const SHIFT_MASK = 0x02 | 0x20;

export function usageToChar(usage: number, shift: boolean): string | undefined {
  const pair = PRINTABLE[usage];
  return pair ? pair[shift ? 1 : 0] : undefined;
}

/** The key (and shift) that types a character; the virtual devices' half of the table. */
export function charToUsage(char: string): { usage: number; shift: boolean } | undefined {
  for (const [usage, pair] of Object.entries(PRINTABLE)) {
    const code = Number(usage);
    if (code >= 0x54) continue; // prefer the main block over the keypad
    if (pair[0] === char) return { usage: code, shift: false };
    if (pair[1] === char) return { usage: code, shift: true };
  }
  return undefined;
}

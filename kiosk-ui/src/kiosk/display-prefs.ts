/**
 * What the person at the kiosk chose for reading the screen: text at 1.5×, yellow-on-black high contrast
 * and furigana (readings over the kanji of the Japanese UI). Pure values; the kiosk model holds them and
 * resets them with the session.
 */
export interface DisplayPrefs {
  readonly largeText: boolean;
  readonly highContrast: boolean;
  readonly furigana: boolean;
}

export type DisplaySetting = keyof DisplayPrefs;

export const DEFAULT_DISPLAY: DisplayPrefs = { largeText: false, highContrast: false, furigana: false };

export function toggleDisplay(prefs: DisplayPrefs, setting: DisplaySetting): DisplayPrefs {
  return { ...prefs, [setting]: !prefs[setting] };
}

export function isDefaultDisplay(prefs: DisplayPrefs): boolean {
  return (Object.keys(DEFAULT_DISPLAY) as DisplaySetting[]).every((setting) => prefs[setting] === DEFAULT_DISPLAY[setting]);
}

/**
 * What the person at the kiosk chose for reading the screen: text at 1.5× and yellow-on-black high
 * contrast. Pure values; the kiosk model holds them and resets them with the session.
 */
export interface DisplayPrefs {
  readonly largeText: boolean;
  readonly highContrast: boolean;
}

export type DisplaySetting = keyof DisplayPrefs;

export const DEFAULT_DISPLAY: DisplayPrefs = { largeText: false, highContrast: false };

export function toggleDisplay(prefs: DisplayPrefs, setting: DisplaySetting): DisplayPrefs {
  return { ...prefs, [setting]: !prefs[setting] };
}

export function isDefaultDisplay(prefs: DisplayPrefs): boolean {
  return prefs.largeText === DEFAULT_DISPLAY.largeText && prefs.highContrast === DEFAULT_DISPLAY.highContrast;
}

import type { CertificateScreen, CertificateType, CertificateViewState, Service } from '@kiosk/protocols';

/** One certificate screen's state, by its name. */
export type ScreenState<S extends CertificateScreen> = Extract<CertificateViewState, { screen: S }>;

/**
 * What the kiosk says, in one language: a script per certificate screen (where you are, what to do, what
 * the buttons are), the attract screen's, the PIN progress and the names of the choices keypad navigation
 * moves between. Every function takes only what may be spoken: screen names, amounts, counts, reasons;
 * never a name, an address, a municipality or a digit of the PIN. Japanese is written in kana, which
 * espeak-ng reads (it cannot read kanji); Open JTalk reads kana as well.
 */
export interface SpeechLines {
  yen(amount: number): string;
  copies(count: number): string;
  certificate: Record<CertificateType, string>;
  /** Joins sentences the way the language spaces them. */
  sentences(parts: readonly string[]): string;
  /** Ends a sentence: "." or "。". */
  period: string;
  screens: { [S in CertificateScreen]: (state: ScreenState<S>) => string };
  /** "One digit entered": said for each PIN key; never which digit. */
  pinProgress(digits: number, length: number): string;
  attract(navigation: boolean): string;
  /** Said when keypad navigation is turned on, and by the help key: which keys do what. */
  keys: string;
  service: Record<Service, string>;
  /** The names of the choices keypad navigation reads out (allowlisted by test id; see focus.ts). */
  choice: {
    language: string;
    cancel: string;
    next: string;
    back: string;
    confirm: string;
    finish: string;
    taken: string;
    continue: string;
    scopeHousehold: string;
    scopeSelected: string;
    /** A person of the household, by position only: names are never spoken. */
    member(position: number): string;
    include: string;
    omit: string;
    kosekiFull: string;
    kosekiIndividual: string;
    fiscalYear(year: string): string;
    fewerCopies: string;
    moreCopies: string;
    pinKey: Record<'clear' | 'enter', string>;
    digit: string;
    other: string;
  };
  position(index: number, total: number): string;
  selected: string;
}

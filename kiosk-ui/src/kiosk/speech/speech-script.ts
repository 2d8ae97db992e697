import { CERTIFICATE_TYPES, isMember, LANGUAGES, SERVICES, type CertificateViewState, type Language } from '@kiosk/protocols';
import { LanguageTable } from '../languages/language-packs';
import { ja } from './lines/ja';
import { LANGUAGE_WORDS } from './lines/language-words';
import type { SpeechLines } from './lines/speech-lines';
import { lotteryChoiceName } from './lottery-choices';

/**
 * The kiosk's spoken guidance as pure functions of what the screen shows: the certificate view state the
 * agent pushes, the attract screen, the PIN count, the focused choice. Nothing personal can be spoken: the
 * scripts read only screen names, amounts, counts and reasons, and a choice is named from an allowlist by
 * its test id, never from its text (a household member is "member 2", never a name); only a lottery facility,
 * month, day or slot, public timetable data, is read from its text (lottery-choices.ts).
 */

/** The spoken lines: Japanese from the start, the others loaded with their language (kiosk/languages/). */
export const SPEECH_LINES = new LanguageTable<SpeechLines>(ja, (pack) => pack.speech);

/** What to say when a certificate screen appears (and again on Repeat). */
export function speechScript(state: CertificateViewState, language: Language): string {
  // Each screen's script takes that screen's state: the table is keyed by the same discriminant.
  const say = SPEECH_LINES.get(language).screens[state.screen] as (view: CertificateViewState) => string;
  return say(state);
}

/** Said for each PIN key: how many digits are in, never which. */
export function pinProgressScript(digits: number, length: number, language: Language): string {
  return SPEECH_LINES.get(language).pinProgress(digits, length);
}

export function attractScript(language: Language, navigation: boolean): string {
  return SPEECH_LINES.get(language).attract(navigation);
}

/** Which keys do what in keypad navigation (said when it is turned on, and by the help key). */
export function keysScript(language: Language): string {
  return SPEECH_LINES.get(language).keys;
}

/** A choice keypad navigation landed on: its test id, where it is in the screen's list, whether it is chosen. */
export interface FocusTarget {
  testid: string;
  position: number;
  total: number;
  pressed: boolean;
  /** For a household member's button: its place among the members (the name is never read). */
  memberPosition: number | null;
  /** For a lottery facility, month, day or slot: its text on the screen, public timetable data (lottery-choices.ts). */
  text?: string | null;
}

const PRIVATE_GROUPS = ['opt-member-', 'opt-koseki-member-'] as const;

/** True for a choice whose text is personal (a household member): it is named by position only. */
export function isPrivateChoice(testid: string): boolean {
  return PRIVATE_GROUPS.some((prefix) => testid.startsWith(prefix)) && testid !== 'opt-member-none';
}

/** The name of a choice, from the allowlist; an unknown one is just "button". */
export function choiceName(testid: string, language: Language, memberPosition: number | null = null, text: string | null = null): string {
  const lines = SPEECH_LINES.get(language);
  const { choice } = lines;
  if (isPrivateChoice(testid)) return choice.member(memberPosition ?? 1);
  const lottery = lotteryChoiceName(testid, language, text);
  if (lottery !== null) return lottery;
  const fixed: Record<string, string> = {
    'cert-cancel': choice.cancel,
    'cert-next': choice.next,
    'cert-back': choice.back,
    'cert-confirm-button': choice.confirm,
    'cert-finish': choice.finish,
    'cert-finish-taken': choice.taken,
    'cert-idle-continue': choice.continue,
    'opt-scope-household': choice.scopeHousehold,
    'opt-scope-selected': choice.scopeSelected,
    'opt-koseki-full': choice.kosekiFull,
    'opt-koseki-individual': choice.kosekiIndividual,
    'copies-decrease': choice.fewerCopies,
    'copies-increase': choice.moreCopies,
    'pin-key-clear': choice.pinKey.clear,
    'pin-key-enter': choice.pinKey.enter,
    back: choice.back,
  };
  const known = fixed[testid];
  if (known !== undefined) return known;
  const [, service] = /^tile-(.+)$/.exec(testid) ?? [];
  if (isMember(SERVICES, service)) return lines.service[service];
  const [, languageCode] = /^lang-(.+)$/.exec(testid) ?? [];
  if (isMember(LANGUAGES, languageCode)) return `${choice.language}: ${LANGUAGE_WORDS[languageCode]}`;
  const [, type] = /^type-(.+)$/.exec(testid) ?? [];
  if (isMember(CERTIFICATE_TYPES, type)) return lines.certificate[type];
  if (/^opt-(domicile|relationship|fuhyo-domicile)-include$/.test(testid)) return choice.include;
  if (/^opt-(domicile|relationship|fuhyo-domicile)-omit$/.test(testid)) return choice.omit;
  const [, year] = /^opt-year-(\d{4})$/.exec(testid) ?? [];
  if (year !== undefined) return choice.fiscalYear(year);
  if (/^pin-key-\d$/.test(testid)) return choice.digit;
  return choice.other;
}

/** What keypad navigation says on landing on a choice: its name, "selected" when it is, its place in the list. */
export function focusScript(target: FocusTarget, language: Language): string {
  const lines = SPEECH_LINES.get(language);
  return lines.sentences([`${choiceName(target.testid, language, target.memberPosition, target.text ?? null)}${lines.period}`, target.pressed ? lines.selected : '', lines.position(target.position, target.total)]);
}

import type { CertificateViewState, Language } from '@kiosk/protocols';
import { lotteryPinProgress, lotterySpeechScript, type LotterySpeechView } from './lottery-speech';
import { attractScript, pinProgressScript, speechScript } from './speech-script';

/** What the kiosk shows, as far as spoken guidance cares. */
export type Shown =
  | { kind: 'attract'; language: Language; navigation: boolean }
  | { kind: 'certificates'; language: Language; state: CertificateViewState | null }
  | { kind: 'lottery'; language: Language; view: LotterySpeechView }
  /** A screen without a script (a service placeholder): nothing is said. */
  | { kind: 'other'; language: Language };

/** The full guidance of a screen (what Repeat and the help key say), or null. */
export function screenScript(shown: Shown): string | null {
  switch (shown.kind) {
    case 'attract':
      return attractScript(shown.language, shown.navigation);
    case 'certificates':
      return shown.state === null ? null : speechScript(shown.state, shown.language);
    case 'lottery':
      return lotterySpeechScript(shown.view, shown.language);
    case 'other':
      return null;
  }
}

/**
 * What to say when the screen changes from `previous` to `next`: a PIN key says only "one digit entered";
 * a new screen (or a new language) says its guidance; the same guidance again says nothing.
 */
export function announcement(previous: Shown | null, next: Shown): string | null {
  if (
    previous?.kind === 'certificates' &&
    next.kind === 'certificates' &&
    previous.language === next.language &&
    previous.state?.screen === 'pin' &&
    next.state?.screen === 'pin' &&
    previous.state.triesLeft === next.state.triesLeft &&
    !next.state.wrongLength
  ) {
    return previous.state.digitsEntered === next.state.digitsEntered ? null : pinProgressScript(next.state.digitsEntered, next.state.pinLength, next.language);
  }
  if (previous?.kind === 'lottery' && next.kind === 'lottery' && previous.language === next.language) {
    const progress = lotteryPinProgress(previous.view, next.view, next.language);
    // The same PIN screen: a key says only "one digit entered" (or nothing when the count did not change).
    if (progress !== null) return progress === '' ? null : progress;
  }
  const script = screenScript(next);
  return script !== null && script === (previous === null ? null : screenScript(previous)) ? null : script;
}

/** The session ended when the kiosk went back to its attract screen from a service. */
export function sessionEnded(previous: Shown | null, next: Shown): boolean {
  return previous !== null && previous.kind !== 'attract' && next.kind === 'attract';
}

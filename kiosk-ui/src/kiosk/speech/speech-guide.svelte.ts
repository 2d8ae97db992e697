import type { Language } from '@kiosk/protocols';
import type { ReportProblem } from '../../shared/background';
import { announcement, screenScript, sessionEnded, type Shown } from './announce';
import type { AudioOut } from './audio-out';
import { focusScript, keysScript, SPEECH_LINES, type FocusTarget } from './speech-script';
import type { SpeechPort } from './speech-link';

/** Volume steps of the Louder / Softer buttons; every session starts at the default. */
export const VOLUME_STEPS = [0.2, 0.4, 0.6, 0.8, 1] as const;
export const DEFAULT_VOLUME_STEP = 2;

export interface Spoken {
  text: string;
  language: Language;
  /** Set once the agent rendered it. */
  audioUrl: string | null;
  /** Counts every script said, the same text again too (a browser test waits for the next one). */
  sequence: number;
}

/**
 * The kiosk's spoken guidance: says each screen's script when it appears (a PIN key: "one digit
 * entered"), again on Repeat or the help key, each focused choice in keypad navigation; volume up and
 * down, stop; everything back to default when the session ends. Only the latest script plays.
 */
export class SpeechGuide {
  volumeStep = $state(DEFAULT_VOLUME_STEP);
  navigation = $state(false);
  /** What was said last (shown to nobody: the browser tests read it). */
  spoken = $state.raw<Spoken | null>(null);
  #shown: Shown | null = null;
  #sequence = 0;

  constructor(
    private readonly port: SpeechPort,
    private readonly audio: AudioOut,
    private readonly report: ReportProblem,
  ) {}

  get volume(): number {
    return VOLUME_STEPS[this.volumeStep] ?? VOLUME_STEPS[DEFAULT_VOLUME_STEP];
  }

  /** The screen changed (or may have): says what is new. */
  show(next: Shown): void {
    if (sessionEnded(this.#shown, next)) {
      this.reset();
      next = next.kind === 'attract' ? { ...next, navigation: false } : next;
    }
    const text = announcement(this.#shown, next);
    this.#shown = next;
    if (text !== null) this.say(text);
  }

  repeat(): void {
    const script = this.#shown === null ? null : screenScript(this.#shown);
    if (script !== null) this.say(script);
  }

  /** The help key: the screen's guidance, then which keys do what. */
  help(): void {
    if (this.#shown === null) return;
    const lines = SPEECH_LINES.get(this.#shown.language);
    this.say(lines.sentences([screenScript(this.#shown) ?? '', keysScript(this.#shown.language)]));
  }

  focus(target: FocusTarget): void {
    if (this.#shown !== null) this.say(focusScript(target, this.#shown.language));
  }

  /** Keypad navigation on (a key on the attract screen): the keys, then the choices. */
  startNavigation(language: Language): void {
    const next: Shown = { kind: 'attract', language, navigation: true };
    this.#shown = next;
    this.navigation = true;
    this.say(SPEECH_LINES.get(language).sentences([keysScript(language), screenScript(next) ?? '']));
  }

  louder(): void {
    this.volumeStep = Math.min(VOLUME_STEPS.length - 1, this.volumeStep + 1);
    this.audio.setVolume(this.volume);
  }

  softer(): void {
    this.volumeStep = Math.max(0, this.volumeStep - 1);
    this.audio.setVolume(this.volume);
  }

  stop(): void {
    this.#sequence += 1;
    this.audio.stop();
  }

  /** End of the session: silence, default volume, navigation off. */
  reset(): void {
    this.stop();
    this.volumeStep = DEFAULT_VOLUME_STEP;
    this.navigation = false;
  }

  say(text: string): void {
    const language = this.#shown?.language ?? 'ja';
    this.#sequence += 1;
    const sequence = this.#sequence;
    this.spoken = { text, language, audioUrl: null, sequence };
    this.port.render(language, text).then(
      (rendered) => {
        if (sequence !== this.#sequence) return;
        this.spoken = { text, language, audioUrl: rendered.audioUrl, sequence };
        this.audio.play(rendered.audioUrl, this.volume);
      },
      (error: unknown) => this.report('speech.render', error),
    );
  }
}

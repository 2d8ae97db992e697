import { LanguageSchema, LotteryStageSchema, type Language, type LotteryUiState } from '@kiosk/protocols';
import type { LotteryScreenKind } from '../lottery/lottery-view';
import { announcement, type Shown } from './announce';
import { lotterySpeechScript, lotterySpeechView } from './lottery-speech';

const LANGUAGES: readonly Language[] = LanguageSchema.options;
const KANJI = /[\u4e00-\u9fff\u3400-\u4dbf]/;
const SCREENS: readonly LotteryScreenKind[] = ['sign-in', 'menu', 'facilities', 'calendar', 'review-entry', 'review-booking', 'done', 'entries', 'bookings'];

const state = (over: Partial<LotteryUiState>): LotteryUiState => ({
  stage: 'awaiting-card',
  pinDigits: 0,
  cardHint: '47',
  mode: 'online',
  user: { municipality: '豊中市', expiresOn: '2031-03-31', certificateLinked: true },
  refusal: null,
  offlineEntryAvailable: false,
  ...over,
});

/** Every screen and sign-in stage, with a refusal, an error and offline. */
const VIEWS = SCREENS.flatMap((screen) =>
  LotteryStageSchema.options.flatMap((stage) =>
    [false, true].map((trouble) =>
      lotterySpeechView(state({ stage, pinDigits: 3, mode: trouble ? 'offline' : 'online', refusal: trouble ? { code: 'invalid_credentials', attemptsLeft: 2 } : null }), screen, trouble),
    ),
  ),
);

const lottery = (language: Language, over: Partial<LotteryUiState>, screen: LotteryScreenKind = 'sign-in'): Shown => ({
  kind: 'lottery',
  language,
  view: lotterySpeechView(state(over), screen, false),
});

describe('lotterySpeechScript', () => {
  describe.each(LANGUAGES)('%s', (language) => {
    it('has a script for every screen and sign-in stage', () => {
      for (const view of VIEWS) {
        const script = lotterySpeechScript(view, language);
        expect(script.trim().length).toBeGreaterThan(1);
        expect(script).not.toMatch(/undefined|null|NaN|\[object/);
      }
    });

    it('never says a user number, a card hint, a municipality or a PIN digit count beyond "one digit entered"', () => {
      for (const view of VIEWS) {
        const script = lotterySpeechScript(view, language);
        for (const secret of ['47', '2031', '豊中', 'とよなか']) expect(script).not.toContain(secret);
      }
    });

    it('says only "one digit entered" for a PIN key, and the screen again when the stage changes', () => {
      const one = announcement(lottery(language, { stage: 'awaiting-pin', pinDigits: 0 }), lottery(language, { stage: 'awaiting-pin', pinDigits: 1 }));
      expect(one).not.toBeNull();
      expect(one).not.toBe(lotterySpeechScript(lotterySpeechView(state({ stage: 'awaiting-pin' }), 'sign-in', false), language));
      expect(announcement(lottery(language, { stage: 'awaiting-pin', pinDigits: 1 }), lottery(language, { stage: 'awaiting-pin', pinDigits: 1 }))).toBeNull();
      expect(announcement(lottery(language, { stage: 'awaiting-pin', pinDigits: 4 }), lottery(language, { stage: 'signing-in', pinDigits: 0 }))).toBe(
        lotterySpeechScript(lotterySpeechView(state({ stage: 'signing-in' }), 'sign-in', false), language),
      );
      expect(announcement(lottery(language, { stage: 'signed-in' }, 'menu'), lottery(language, { stage: 'signed-in' }, 'calendar'))).toBe(
        lotterySpeechScript(lotterySpeechView(state({ stage: 'signed-in' }), 'calendar', false), language),
      );
    });
  });

  it('says "one digit entered" in English and Japanese for a key on the sign-in PIN', () => {
    expect(announcement(lottery('en', { stage: 'awaiting-pin', pinDigits: 1 }), lottery('en', { stage: 'awaiting-pin', pinDigits: 2 }))).toBe('One digit entered. 2 of 4.');
    expect(announcement(lottery('ja', { stage: 'awaiting-card-pin', pinDigits: 0 }), lottery('ja', { stage: 'awaiting-card-pin', pinDigits: 1 }))).toBe(
      'いっけた にゅうりょく しました。 4けたのうち 1けた。',
    );
  });

  it('says where a paged list is, page n of m, after the screen’s guidance', () => {
    const pages = [{ list: 'facilities' as const, page: 2, pages: 3 }];
    const view = lotterySpeechView(state({ stage: 'signed-in' }), 'facilities', false, pages);
    expect(lotterySpeechScript(view, 'en')).toBe('Choose a facility. Button: Back. Facility list, page 2 of 3. Previous and Next turn the pages.');
    expect(lotterySpeechScript(view, 'ja')).toMatch(/しせつの いちらん、 3ページの うち 2ページめ。/);
    expect(lotterySpeechScript(view, 'ja')).not.toMatch(KANJI);
    // Turning the page says the screen again, with its new page.
    expect(announcement(lottery('en', { stage: 'signed-in' }, 'facilities'), { kind: 'lottery', language: 'en', view })).toBe(lotterySpeechScript(view, 'en'));
  });

  it('writes Japanese in kana, which espeak-ng can read', () => {
    for (const view of VIEWS) expect(lotterySpeechScript(view, 'ja')).not.toMatch(KANJI);
  });
});

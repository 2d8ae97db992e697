import { CERTIFICATE_SCREENS, LanguageSchema, type CertificateViewState, type Language } from '@kiosk/protocols';
import { attractScript, choiceName, focusScript, keysScript, pinProgressScript, speechScript } from './speech-script';
import { SPEECH_STATES, RESIDENT } from './speech-fixtures';

const LANGUAGES: readonly Language[] = LanguageSchema.options;
const KANJI = /[\u4e00-\u9fff\u3400-\u4dbf]/;

describe('speechScript', () => {
  it('covers every certificate screen in the fixtures', () => {
    expect(new Set(SPEECH_STATES.map((state) => state.screen))).toEqual(new Set(CERTIFICATE_SCREENS));
  });

  describe.each(LANGUAGES)('%s', (language) => {
    it.each(SPEECH_STATES.map((state) => [state.screen, state] as const))('%s has a script', (_screen, state: CertificateViewState) => {
      const script = speechScript(state, language);
      expect(script.trim().length).toBeGreaterThan(1);
      expect(script).not.toMatch(/undefined|null|NaN|\[object/);
    });

    it('never says a name, an address, a municipality or a PIN', () => {
      for (const state of SPEECH_STATES) {
        const script = speechScript(state, language);
        for (const secret of [RESIDENT.nameJa, RESIDENT.nameEn, RESIDENT.spouse, RESIDENT.address, RESIDENT.municipality, RESIDENT.pin]) {
          expect(script).not.toContain(secret);
        }
      }
    });
  });

  it('writes Japanese in kana, which espeak-ng can read', () => {
    for (const state of SPEECH_STATES) expect(speechScript(state, 'ja')).not.toMatch(KANJI);
    expect(attractScript('ja', false)).not.toMatch(KANJI);
    expect(attractScript('ja', true)).not.toMatch(KANJI);
    expect(keysScript('ja')).not.toMatch(KANJI);
    expect(pinProgressScript(1, 4, 'ja')).not.toMatch(KANJI);
  });

  it.each([
    { language: 'en', script: 'One digit entered. 1 of 4.' },
    { language: 'ja', script: 'いっけた にゅうりょく しました。 4けたのうち 1けた。' },
  ] as const)('announces a PIN digit without the digit ($language)', ({ language, script }) => {
    expect(pinProgressScript(1, 4, language)).toBe(script);
  });

  it.each([
    { state: SPEECH_STATES.find((state) => state.screen === 'insert-card'), en: 'Certificates. Place your My Number card on the card reader below the screen. Button: Cancel.' },
    {
      state: SPEECH_STATES.find((state) => state.screen === 'confirm'),
      en: 'Please check your order. Certificate of residence, 2 copies, fee 400 yen. Buttons: Go to payment, Back.',
    },
  ])('says where you are, what to do and the buttons: $en', ({ state, en }) => {
    if (state === undefined) throw new Error('fixture missing');
    expect(speechScript(state, 'en')).toBe(en);
  });
});

describe('focusScript', () => {
  it.each([
    { testid: 'tile-certificates', en: 'Certificates. 1 of 2.' },
    { testid: 'type-juminhyo', en: 'Certificate of residence. Selected. 1 of 9.' },
    { testid: 'opt-member-m-0001', en: 'Household member 2. 3 of 9.' },
    { testid: 'cert-next', en: 'Next. 9 of 9.' },
    { testid: 'cert-finish-taken', en: 'I have taken them. 1 of 1.' },
    { testid: 'something-new', en: 'Button. 4 of 9.' },
  ])('$testid', ({ testid, en }) => {
    const [, position = '1', total = '1'] = /(\d+) of (\d+)/.exec(en) ?? [];
    const target = { testid, position: Number(position), total: Number(total), pressed: en.includes('Selected'), memberPosition: testid.startsWith('opt-member') ? 2 : null };
    expect(focusScript(target, 'en')).toBe(en);
  });

  it('names a household member by position in every language, never by name', () => {
    for (const language of LANGUAGES) {
      const name = choiceName('opt-member-m-0001', language, 1);
      expect(name).not.toContain(RESIDENT.nameJa);
      expect(name).toMatch(/1/);
    }
  });
});

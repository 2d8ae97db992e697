import type { Language } from '@kiosk/protocols';
import { LanguageSwitcher } from './load-language';

type Modules = {
  load: typeof import('./load-language');
  cert: typeof import('../certificates/i18n/index');
  speech: typeof import('../speech/speech-script');
};

/** The modules in a registry of their own, without the packs jest-setup.ts adds for the other specs. */
function freshModules(): Modules {
  let modules: Modules | undefined;
  jest.isolateModules(() => {
    modules = {
      load: jest.requireActual('./load-language'),
      cert: jest.requireActual('../certificates/i18n/index'),
      speech: jest.requireActual('../speech/speech-script'),
    };
  });
  if (modules === undefined) throw new Error('isolateModules did not run');
  return modules;
}

describe('languages on demand', () => {
  it('has Japanese from the start and another language only once it is loaded', async () => {
    const { load, cert, speech } = freshModules();
    expect(cert.certTables.has('ja')).toBe(true);
    expect(cert.certTables.has('en')).toBe(false);
    expect(speech.SPEECH_LINES.has('en')).toBe(false);
    await load.loadLanguage('en');
    expect(cert.certTranslate('en', 'cert.next')).toBe('Next');
    expect(speech.SPEECH_LINES.has('en')).toBe(true);
    expect(cert.certTables.has('ko')).toBe(false);
  });

  it('answers in Japanese rather than fail for a language not loaded', () => {
    const { cert } = freshModules();
    expect(cert.certTranslate('ko', 'cert.next')).toBe('次へ');
  });
});

describe('LanguageSwitcher', () => {
  it('switches only after the texts are there, and the last of several taps wins', async () => {
    const pending = new Map<Language, () => void>();
    const applied: Language[] = [];
    const switcher = new LanguageSwitcher(
      (language) => new Promise<void>((resolve) => pending.set(language, resolve)),
      (language) => applied.push(language),
    );
    const english = switcher.select('en');
    const korean = switcher.select('ko');
    expect(applied).toEqual([]);
    pending.get('ko')?.();
    await korean;
    pending.get('en')?.();
    await english;
    expect(applied).toEqual(['ko']);
  });
});

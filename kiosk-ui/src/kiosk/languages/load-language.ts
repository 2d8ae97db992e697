import type { Language } from '@kiosk/protocols';
import { addLanguagePack, type LanguagePack, type OtherLanguage } from './language-packs';

/** One dynamic import per language, so each is a chunk of its own that the kiosk does not load at start. */
const CHUNKS: Readonly<Record<OtherLanguage, () => Promise<{ pack: LanguagePack }>>> = {
  en: () => import('./en'),
  ko: () => import('./ko'),
  'zh-Hans': () => import('./zh-Hans'),
};

const loading = new Map<OtherLanguage, Promise<void>>();

/**
 * Makes a language's texts and spoken lines available (Japanese always is). Loaded once per page; the
 * chunk comes from the agent on loopback, precompressed. A failed load is forgotten, so the next tap
 * tries again.
 */
export function loadLanguage(language: Language): Promise<void> {
  if (language === 'ja') return Promise.resolve();
  const known = loading.get(language);
  if (known !== undefined) return known;
  const load = CHUNKS[language]().then(
    ({ pack }) => addLanguagePack(language, pack),
    (error: unknown) => {
      loading.delete(language);
      throw error;
    },
  );
  loading.set(language, load);
  return load;
}

/**
 * Switches the kiosk's language once its texts are there: the screen stays in the language it shows
 * until then (never half-translated), and of several quick taps the last one wins.
 */
export class LanguageSwitcher {
  #latest = 0;

  constructor(
    private readonly load: (language: Language) => Promise<void>,
    private readonly apply: (language: Language) => void,
  ) {}

  async select(language: Language): Promise<void> {
    const ticket = ++this.#latest;
    await this.load(language);
    if (ticket === this.#latest) this.apply(language);
  }
}

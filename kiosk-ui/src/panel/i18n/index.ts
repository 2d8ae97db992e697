import { fill, tables, type MessageKey, type Params } from '../../shared/i18n/index';
import { panelEn } from './en';
import { panelJa, type PanelMessageKey, type PanelMessages } from './ja';

export type { PanelMessageKey, PanelMessages };

/** The panel's languages, in picker order. */
export const PANEL_LANGUAGES = ['ja', 'en'] as const;
export type PanelLanguage = (typeof PANEL_LANGUAGES)[number];

export const panelTables: Readonly<Record<PanelLanguage, PanelMessages>> = { ja: panelJa, en: panelEn };

/** Any text the panel shows: its own keys, or the shared ones (device names, statuses, language picker). */
export type PanelKey = PanelMessageKey | MessageKey;

/** A translator bound to one language, handed to the panel's components as `t`. */
export type PanelTranslate = (key: PanelKey, params?: Params) => string;

export function isPanelKey(key: string): key is PanelMessageKey {
  return Object.hasOwn(panelJa, key);
}

export function isPanelLanguage(language: string): language is PanelLanguage {
  return (PANEL_LANGUAGES as readonly string[]).includes(language);
}

export function panelTranslate(language: PanelLanguage, key: PanelKey, params?: Params): string {
  return fill(isPanelKey(key) ? panelTables[language][key] : tables[language][key], params);
}

export function panelTranslator(language: PanelLanguage): PanelTranslate {
  return (key, params) => panelTranslate(language, key, params);
}

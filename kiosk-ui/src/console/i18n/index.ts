import { fill, tables, type MessageKey, type Params } from '../../shared/i18n/index';
import { consoleEn } from './en';
import { consoleJa, type ConsoleMessageKey, type ConsoleMessages } from './ja';

export type { ConsoleMessageKey, ConsoleMessages };

/** The console's languages, in picker order (technicians read Japanese or English). */
export const CONSOLE_LANGUAGES = ['ja', 'en'] as const;
export type ConsoleLanguage = (typeof CONSOLE_LANGUAGES)[number];

export const consoleTables: Readonly<Record<ConsoleLanguage, ConsoleMessages>> = { ja: consoleJa, en: consoleEn };

/** Any text the console shows: its own keys, or the shared ones (device names, statuses, times, picker). */
export type ConsoleKey = ConsoleMessageKey | MessageKey;

/** A translator bound to one language, handed to the console's components as `t`. */
export type ConsoleTranslate = (key: ConsoleKey, params?: Params) => string;

export function isConsoleKey(key: string): key is ConsoleMessageKey {
  return Object.hasOwn(consoleJa, key);
}

export function isConsoleLanguage(language: string): language is ConsoleLanguage {
  return (CONSOLE_LANGUAGES as readonly string[]).includes(language);
}

export function consoleTranslate(language: ConsoleLanguage, key: ConsoleKey, params?: Params): string {
  return fill(isConsoleKey(key) ? consoleTables[language][key] : tables[language][key], params);
}

export function consoleTranslator(language: ConsoleLanguage): ConsoleTranslate {
  return (key, params) => consoleTranslate(language, key, params);
}

import { LANGUAGES as PROTOCOL_LANGUAGES, type Language } from '@kiosk/protocols';
import { en } from './en';
import { ja, type MessageKey, type Messages } from './ja';
import { ko } from './ko';
import { zhHans } from './zh-Hans';

export type { MessageKey, Messages };

/** The kiosk's languages, in picker order (the protocol's order: Japanese first). */
export const LANGUAGES: readonly Language[] = PROTOCOL_LANGUAGES;

export const DEFAULT_LANGUAGE: Language = 'ja';

export const tables: Readonly<Record<Language, Messages>> = { ja, en, 'zh-Hans': zhHans, ko };

export type Params = Readonly<Record<string, string | number>>;

const PLACEHOLDER = /\{(\w+)\}/g;

/** The `{name}` placeholders of a template, in order of appearance. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((match) => match[1] ?? '');
}

/** Fills `{name}` placeholders; a missing parameter is left visible rather than silently dropped. */
export function fill(template: string, params: Params = {}): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

export function translate(language: Language, key: MessageKey, params?: Params): string {
  return fill(tables[language][key], params);
}

/** A translator bound to one language, handed to components as `t`. */
export type Translate = (key: MessageKey, params?: Params) => string;

export function translator(language: Language): Translate {
  return (key, params) => translate(language, key, params);
}

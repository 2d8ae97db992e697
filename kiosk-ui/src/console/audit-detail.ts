import type { AuditEntry } from '@kiosk/protocols';
import { formatInstant, formatNumber } from './format';
import { isConsoleKey, type ConsoleKey, type ConsoleLanguage, type ConsoleTranslate } from './i18n/index';

/**
 * The audit trail's detail values as a technician reads them (issue 17: the console showed raw keys and
 * enums, "comment", "kind: paper-out", "expiresAt"): each key the hub writes has a label, each enum value
 * its words, instants, amounts and yes/no are formatted. Free text (a comment someone typed, an address,
 * a kiosk's own message) and any value this console has no words for are shown as they were recorded,
 * marked as data, never dressed up as a translation.
 */

type Shown = 'data' | 'instant' | 'yen' | 'count' | 'bytes' | 'yes-no' | 'reason' | 'kind' | 'command' | 'role';

const KEYS: Readonly<Record<string, Shown>> = {
  kind: 'kind',
  comment: 'data',
  expiresAt: 'instant',
  completedAt: 'instant',
  reason: 'reason',
  role: 'role',
  source: 'data',
  amountYen: 'yen',
  site: 'data',
  type: 'command',
  duplicate: 'yes-no',
  bytes: 'bytes',
  files: 'count',
  sha256: 'data',
  lines: 'count',
  complete: 'yes-no',
  demo: 'yes-no',
  address: 'data',
  locked: 'yes-no',
  changed: 'yes-no',
  detail: 'data',
};

export interface DetailLine {
  key: string;
  /** The key in the technician's language; a key this console does not know is named as "other field (key)". */
  label: string;
  /** The value as shown; null shows a dash. */
  value: string | null;
  /** Shown as recorded (free text, or a value without words here): the page sets it apart as data. */
  asRecorded: boolean;
}

/** The first of `keys` the console has words for. */
function firstKnown(keys: readonly string[]): ConsoleKey | null {
  return (keys.find((key) => isConsoleKey(key)) as ConsoleKey | undefined) ?? null;
}

function enumKeys(shown: Shown, value: string): string[] {
  switch (shown) {
    case 'reason':
      return [`console.audit.reason.${value}`];
    case 'kind':
      return [`console.alertKind.${value}`, `console.audit.kind.${value}`];
    case 'command':
      return [`console.commandType.${value}`];
    case 'role':
      return [`console.role.${value}`];
    default:
      return [];
  }
}

function shownValue(shown: Shown, raw: unknown, t: ConsoleTranslate, language: ConsoleLanguage): { value: string; asRecorded: boolean } {
  const text = typeof raw === 'string' ? raw : JSON.stringify(raw);
  const asRecorded = { value: text, asRecorded: true };
  if (shown === 'yes-no' && typeof raw === 'boolean') return { value: t(raw ? 'console.audit.yes' : 'console.audit.no'), asRecorded: false };
  if (shown === 'instant' && typeof raw === 'string') {
    const formatted = formatInstant(language, raw);
    return formatted === null ? asRecorded : { value: formatted, asRecorded: false };
  }
  if (typeof raw === 'number' && (shown === 'yen' || shown === 'count' || shown === 'bytes')) {
    const amount = formatNumber(language, raw);
    if (shown === 'yen') return { value: t('console.audit.yen', { amount }), asRecorded: false };
    return { value: shown === 'bytes' ? t('console.audit.bytes', { n: amount }) : amount, asRecorded: false };
  }
  const key = typeof raw === 'string' ? firstKnown(enumKeys(shown, raw)) : null;
  return key === null ? asRecorded : { value: t(key), asRecorded: false };
}

/** An entry's detail, one line per key in a stable order. */
export function detailLines(entry: AuditEntry, t: ConsoleTranslate, language: ConsoleLanguage): DetailLine[] {
  return Object.keys(entry.detail)
    .sort()
    .map((key) => {
      const raw = entry.detail[key];
      const shown = KEYS[key];
      const labelKey = firstKnown([`console.audit.key.${key}`]);
      const label = shown !== undefined && labelKey !== null ? t(labelKey) : t('console.audit.otherKey', { key });
      if (raw === null || raw === undefined) return { key, label, value: null, asRecorded: false };
      return { key, label, ...shownValue(shown ?? 'data', raw, t, language) };
    });
}

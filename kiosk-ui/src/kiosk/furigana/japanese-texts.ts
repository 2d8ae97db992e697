import { ja } from '../../shared/i18n/ja';
import { certJa } from '../certificates/i18n/ja';
import { lotteryJa } from '../lottery/i18n/ja';
import { CONTROL_LABELS } from '../speech/controls-i18n';

/**
 * Every Japanese text the kiosk shows, as its tables hold them (with `{placeholders}`): what the ruby table
 * covers (scripts/furigana.mjs). The kiosk does not import this module; the generator and the table's spec do.
 */
export const JAPANESE_TEXTS: readonly string[] = [
  ...new Set([...Object.values(ja), ...Object.values(certJa), ...Object.values(lotteryJa), ...Object.values(CONTROL_LABELS.ja)]),
];

/**
 * Words that reach the screen inside filled values rather than as a table's text (dates, months, the
 * fiscal year): read in the table too, so the run-time reader knows them.
 */
export const EXTRA_WORDS: readonly string[] = ['令和', '平成', '午前', '午後', '曜日', '本日', '明日', '今月', '来月'];

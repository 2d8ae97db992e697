import type { deviceTimelineJa } from './device-timeline.ja';

/** The kiosk page's device timeline in English (see device-timeline.ja.ts). */
export const deviceTimelineEn: Readonly<Record<keyof typeof deviceTimelineJa, string>> = {
  'console.timeline.incident': '{device}: {status} {from}–{to} ({seconds} s)',
};

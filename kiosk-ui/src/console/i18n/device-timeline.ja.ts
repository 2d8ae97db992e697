/** The kiosk page's device timeline, Japanese (English in device-timeline.en.ts, exactly these keys). */
export const deviceTimelineJa = {
  'console.timeline.incident': '{device}：{status} {from}〜{to}（{seconds}秒）',
} as const;

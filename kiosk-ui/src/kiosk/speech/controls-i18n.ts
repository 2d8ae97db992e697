import type { Language } from '@kiosk/protocols';

/** The spoken guidance controls' labels (in the accessibility bar). */
export const CONTROL_LABELS: Record<Language, { repeat: string; louder: string; softer: string; stop: string }> = {
  ja: { repeat: 'もう一度聞く', louder: '音量を上げる', softer: '音量を下げる', stop: '音声を止める' },
  en: { repeat: 'Repeat', louder: 'Volume up', softer: 'Volume down', stop: 'Stop speech' },
  ko: { repeat: '다시 듣기', louder: '음량 높이기', softer: '음량 낮추기', stop: '음성 멈추기' },
  'zh-Hans': { repeat: '再听一遍', louder: '调高音量', softer: '调低音量', stop: '停止语音' },
};

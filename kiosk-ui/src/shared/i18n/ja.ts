/**
 * Japanese: the reference table. Every other language is typed against these keys, so a key missing (or
 * misspelt) in any table fails `svelte-check`. Placeholders are `{name}` and must match across languages
 * (checked by i18n.spec.ts).
 */
export const ja = {
  // The language's name in its own script, shown on the language picker.
  'language.self': '日本語',
  'language.picker': '表示言語',

  'kiosk.pageTitle': '豊中市 行政サービス端末',
  // TODO(later issue): comes from the kiosk's enrolment data once the hub hands it to the agent.
  'kiosk.municipality': '豊中市',
  'kiosk.subtitle': '行政サービス端末',
  'kiosk.choose': 'ご利用になるサービスを選んでください',
  'kiosk.services': 'サービス',
  'kiosk.offline.hub': 'センターに接続できません。証明書の交付は一時的にご利用いただけません。',
  'kiosk.offline.agent': 'この端末は準備中です。しばらくお待ちください。',
  'kiosk.outOfService.heading': 'ただいま休止中です',
  'kiosk.outOfService.body': 'この端末は現在ご利用いただけません。ご不便をおかけして申し訳ありません。',
  'kiosk.notYet.heading': 'この画面はまだご利用いただけません',
  'kiosk.notYet.body': '「{service}」の画面は準備中です。お手数ですが、窓口をご利用ください。',
  'kiosk.idleHint': '{seconds}秒間操作がないと、最初の画面に戻ります。',
  'kiosk.back': '戻る',
  'kiosk.a11y.bar': '見やすさの設定',
  'kiosk.a11y.largeText': '文字を大きく',
  'kiosk.a11y.highContrast': '黒地に黄色の文字',
  'kiosk.a11y.furigana': 'ふりがな',

  'service.certificates.name': '証明書の交付',
  'service.certificates.description': 'マイナンバーカードで住民票の写し・印鑑登録証明書などを取得できます',
  'service.certificates.unavailable': '現在ご利用いただけません',
  'service.lottery.name': '施設予約・抽選',
  'service.lottery.description': '体育館・テニスコートなどの空き状況の確認と抽選の申込み',

  'device.card-reader': 'カードリーダー',
  'device.receipt-printer': 'レシートプリンター',
  'device.document-printer': '証明書プリンター',
  'device.coin-acceptor': '硬貨投入口',
  'device.coin-hopper': '釣銭払出機',
  'device.barcode-scanner': 'バーコードリーダー',
  'device.pin-pad': '暗証番号入力装置',
  'deviceStatus.ok': '正常',
  'deviceStatus.warning': '注意',
  'deviceStatus.error': '異常',
  'deviceStatus.missing': '未接続',

  'time.justNow': 'たった今',
  'time.secondsAgo': '{n}秒前',
  'time.minutesAgo': '{n}分前',
  'time.hoursAgo': '{n}時間前',
  'time.daysAgo': '{n}日前',
  'time.never': '記録なし',
} as const satisfies Record<string, string>;

export type MessageKey = keyof typeof ja;
/** What every language must provide: exactly the Japanese keys, each a string. */
export type Messages = Readonly<Record<MessageKey, string>>;

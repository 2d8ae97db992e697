/** Agent releases (issue 19) in the console, in Japanese: the reference table (English in releases.en.ts). */
export const releasesJa = {
  'console.auditAction.release.uploaded': '端末ソフトのリリース登録',
  'console.auditAction.rollout.created': '段階配信の開始',
  'console.auditAction.rollout.paused': '段階配信の一時停止',
  'console.auditAction.rollout.resumed': '段階配信の再開',
  'console.auditAction.rollout.aborted': '段階配信の中止',
  'console.auditAction.rollout.halted': '段階配信の自動停止',
  'console.auditAction.rollout.stage-advanced': '段階配信の次段階への移行',
  'console.auditAction.rollout.completed': '段階配信の完了',
  'console.auditAction.rollout.kiosk-reported': '端末の更新状況の報告',
  'console.auditAction.kiosk.tags-set': '端末タグの設定',
  'console.commandType.agent.update': '端末ソフトの更新',
} as const;

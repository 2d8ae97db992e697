/** Agent releases (issue 19) in the console, in Japanese: the reference table (English in releases.en.ts). */
export const releasesJa = {
  'console.auditAction.release.uploaded': '端末ソフトのリリース登録',
  'console.commandType.agent.update': '端末ソフトの更新',
} as const;

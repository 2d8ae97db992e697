import type { releasesJa } from './releases.ja';

/** Agent releases (issue 19) in the console, in English: exactly the Japanese keys. */
export const releasesEn = {
  'console.auditAction.release.uploaded': 'Agent release uploaded',
  'console.commandType.agent.update': 'Agent update',
} as const satisfies Record<keyof typeof releasesJa, string>;

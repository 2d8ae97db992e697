import type { releasesJa } from './releases.ja';

/** Agent releases (issue 19) in the console, in English: exactly the Japanese keys. */
export const releasesEn = {
  'console.auditAction.release.uploaded': 'Agent release uploaded',
  'console.auditAction.rollout.created': 'Rollout started',
  'console.auditAction.rollout.paused': 'Rollout paused',
  'console.auditAction.rollout.resumed': 'Rollout resumed',
  'console.auditAction.rollout.aborted': 'Rollout aborted',
  'console.auditAction.rollout.halted': 'Rollout halted',
  'console.auditAction.rollout.stage-advanced': 'Rollout moved to its next stage',
  'console.auditAction.rollout.completed': 'Rollout completed',
  'console.auditAction.rollout.kiosk-reported': 'Kiosk reported its update',
  'console.auditAction.kiosk.tags-set': 'Kiosk tags set',
  'console.commandType.agent.update': 'Agent update',
} as const satisfies Record<keyof typeof releasesJa, string>;

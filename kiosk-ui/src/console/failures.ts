import type { ErrorCode } from '@kiosk/protocols';
import { LinkError } from '../shared/link-errors';
import { InvalidCommandError } from './commands';
import { RequestRefusedError } from './hub-link';
import type { ConsoleMessageKey } from './i18n/index';

/** A sentence for the person: a table key and its parameters. */
export interface Reason {
  key: ConsoleMessageKey;
  params?: Record<string, string>;
}

const KNOWN_CODES = ['forbidden', 'not_found', 'conflict', 'invalid_message', 'not_authenticated', 'internal'] as const satisfies readonly ErrorCode[];
type KnownCode = (typeof KNOWN_CODES)[number];

function isKnownCode(code: ErrorCode): code is KnownCode {
  return (KNOWN_CODES as readonly ErrorCode[]).includes(code);
}

/** Why a request failed, in words the console's tables have: the hub's refusal code, or the link's failure. */
export function failureReason(error: unknown): Reason {
  if (error instanceof RequestRefusedError) {
    return isKnownCode(error.code) ? { key: `console.error.${error.code}` } : { key: 'console.error.other', params: { code: error.code } };
  }
  if (error instanceof LinkError) {
    return error.failure === 'rejected' ? { key: 'console.error.other', params: { code: error.failure } } : { key: `console.error.${error.failure}` };
  }
  if (error instanceof InvalidCommandError) return { key: 'console.error.invalid_message' };
  return { key: 'console.error.internal' };
}

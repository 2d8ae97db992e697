import type { DeviceReason, DeviceStatus } from '@kiosk/protocols';

/** What the driver knows at one moment, reduced to what health depends on. */
export interface ReaderHealthInput {
  /** The PC/SC host child process is running (it is restarted after a crash or a wedged call). */
  hostRunning: boolean;
  /** Why the host is not running, when it is not: a PC/SC call that timed out, or a crash. */
  hostFailure: 'timeout' | 'crash' | null;
  /** pcscd answered the last context establishment. */
  serviceUp: boolean;
  /** Technician text for a service loss ("SCARD_E_NO_SERVICE"...). */
  serviceDetail: string;
  readers: readonly string[];
  patternText: string;
  selected: string | null;
  /** The selected reader was attached before and is gone now (unplugged), as opposed to never seen. */
  selectedWasSeen: boolean;
}

export interface ReaderHealthState {
  status: DeviceStatus;
  reasons: DeviceReason[];
  detail: string;
}

/**
 * ok: a reader matching the pattern is attached (a card in it or not);
 * missing + no-service: pcscd is not running or does not answer (SCARD_E_NO_SERVICE);
 * missing + not-found / disconnected: no matching reader (never seen / unplugged);
 * error + timeout / other: our PC/SC client process is being restarted.
 */
export function deriveReaderHealth(input: ReaderHealthInput): ReaderHealthState {
  if (!input.hostRunning && input.hostFailure !== null) {
    return {
      status: 'error',
      reasons: [input.hostFailure === 'timeout' ? 'timeout' : 'other'],
      detail:
        input.hostFailure === 'timeout'
          ? 'a PC/SC call did not return in time; restarting the PC/SC client'
          : 'the PC/SC client process exited; restarting it',
    };
  }
  if (!input.serviceUp) {
    return { status: 'missing', reasons: ['no-service'], detail: truncate(`pcscd unavailable: ${input.serviceDetail}`) };
  }
  if (input.selected === null) {
    const attached = input.readers.length > 0 ? `attached: ${input.readers.join(', ')}` : 'no readers attached';
    return {
      status: 'missing',
      reasons: [input.selectedWasSeen ? 'disconnected' : 'not-found'],
      detail: truncate(`no reader matches ${input.patternText} (${attached})`),
    };
  }
  return { status: 'ok', reasons: [], detail: truncate(`using ${input.selected}`) };
}

function truncate(text: string): string {
  return text.length > 500 ? `${text.slice(0, 497)}...` : text;
}

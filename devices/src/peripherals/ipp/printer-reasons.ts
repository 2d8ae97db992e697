import type { DeviceReason, DeviceStatus } from '@kiosk/protocols';
import { PrinterState, type IppPrinterStatus } from './client';

/** printer-state-reasons keywords (RFC 8011, PWG 5100.9, CUPS) → our reasons. Unlisted keywords map to `other`. */
const KEYWORDS: Record<string, DeviceReason | null> = {
  none: null,
  'media-empty': 'media-empty',
  'media-needed': 'media-empty',
  'media-low': 'paper-near-end',
  'media-jam': 'jam',
  'door-open': 'door-open',
  'cover-open': 'door-open',
  'interlock-open': 'door-open',
  offline: 'offline',
  shutdown: 'offline',
  paused: 'offline',
  'connecting-to-device': 'offline',
  'timed-out': 'offline',
  'moving-to-paused': null,
  'cups-waiting-for-job-completed': null,
};

export interface InterpretedPrinter {
  reasons: DeviceReason[];
  status: DeviceStatus;
}

/**
 * Health of a CUPS queue. `-report` reasons are informational and ignored; `-warning` reasons make a
 * warning; `-error` and unsuffixed ones an error (CUPS's own keywords such as `paused` come unsuffixed).
 * A stopped queue, or one not accepting jobs, is never `ok`.
 */
export function interpretPrinter(printer: IppPrinterStatus): InterpretedPrinter {
  const reasons = new Set<DeviceReason>();
  let status: DeviceStatus = 'ok';
  for (const keyword of printer.reasons) {
    const match = /^(.*?)(-(error|warning|report))?$/.exec(keyword);
    const base = match?.[1] ?? keyword;
    const severity = match?.[3] ?? 'error';
    if (severity === 'report') continue;
    const reason = base in KEYWORDS ? KEYWORDS[base] : 'other';
    if (!reason) continue;
    reasons.add(reason);
    if (severity === 'error') status = 'error';
    else if (status === 'ok') status = 'warning';
  }
  if (printer.state === PrinterState.stopped || !printer.acceptingJobs) {
    if (reasons.size === 0) reasons.add('offline');
    status = 'error';
  }
  return { reasons: [...reasons], status };
}

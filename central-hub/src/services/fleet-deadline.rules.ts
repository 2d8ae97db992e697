import type { KioskStatus } from '@kiosk/protocols';
import type { TelemetryRecord } from '../repositories/kiosk.repository';
import type { AlertThresholds } from '../config';

/** However quiet a kiosk is, it is evaluated again this often (a safety net; deadlines are the mechanism). */
export const MAX_EVALUATION_GAP_MS = 5 * 60_000;

export interface DeadlineInput {
  enrolled: boolean;
  /** As just derived, and since when. */
  status: KioskStatus;
  statusSince: string | null;
  connected: boolean;
  lastContactAt: string | null;
  telemetry: TelemetryRecord | null;
  /** Whether a kiosk-offline condition already holds (its alert is open). */
  offlineAlerted: boolean;
  /** When each of its unresolved alerts started clearing (after this evaluation's plan). */
  clearingSince: readonly number[];
}

/**
 * The first instant after `nowMs` at which the kiosk's status or alerts could change with nothing new
 * arriving from it (issue 12): silence turning into offline, offline turning into an alert, a backlog
 * growing too old, a clearing alert's hold ending. The hub evaluates a kiosk again at that instant
 * instead of sweeping the whole fleet. Null for a kiosk that has not enrolled (enrolment evaluates it).
 */
export function nextDeadline(input: DeadlineInput, nowMs: number, offlineAfterMs: number, thresholds: AlertThresholds): number | null {
  if (!input.enrolled) return null;
  const candidates = [nowMs + MAX_EVALUATION_GAP_MS];
  if (input.connected && input.lastContactAt !== null && input.status !== 'offline') {
    candidates.push(Date.parse(input.lastContactAt) + offlineAfterMs + 1);
  }
  if (input.status === 'offline' && input.statusSince !== null && !input.offlineAlerted) {
    candidates.push(Date.parse(input.statusSince) + thresholds.offlineAfterMs);
  }
  const oldest = input.telemetry?.outboxOldestOccurredAt ?? null;
  if (oldest !== null) candidates.push(Date.parse(oldest) + thresholds.outboxOldestAgeMs + 1);
  for (const clearedAtMs of input.clearingSince) candidates.push(clearedAtMs + thresholds.resolveHoldMs);
  const future = candidates.filter((at) => Number.isFinite(at) && at > nowMs);
  return future.length === 0 ? nowMs + MAX_EVALUATION_GAP_MS : Math.min(...future);
}

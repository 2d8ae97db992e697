import type { AlertKind, AlertSeverity, DeviceHealth, KioskStatus } from '@kiosk/protocols';
import type { AlertThresholds } from '../config';

/** One condition that holds now; `key` identifies it across evaluations (one alert per key at a time). */
export interface AlertCondition {
  key: string;
  kind: AlertKind;
  severity: AlertSeverity;
  deviceId: string | null;
  message: string;
}

/** A kiosk's last cash collection whose period is complete (cash-reconciliation.service.ts). */
export interface CashCollectionOutcome {
  /** When the box was emptied (kiosk time, like devices' `since`). */
  collectedAt: string;
  /** Counted (or the kiosk's own count) − the hub's ledger; 0 when it balances. */
  discrepancyYen: number;
}

export interface AlertInput {
  enrolled: boolean;
  status: KioskStatus;
  statusSince: string | null;
  devices: readonly DeviceHealth[];
  telemetry: {
    receivedAt: string;
    sentAt: string;
    outboxBacklog: number;
    outboxOldestOccurredAt: string | null;
  } | null;
  cashCollection: CashCollectionOutcome | null;
}

const PRINTERS = new Set<DeviceHealth['kind']>(['receipt-printer', 'document-printer']);

/** The box was emptied after the device said it was full: that state is over (whatever the device last sent). */
function emptiedSince(device: DeviceHealth, collection: CashCollectionOutcome | null): boolean {
  return collection !== null && Date.parse(device.since) <= Date.parse(collection.collectedAt);
}

function deviceConditions(device: DeviceHealth, collection: CashCollectionOutcome | null): AlertCondition[] {
  const has = (reason: DeviceHealth['reasons'][number]) => device.reasons.includes(reason);
  const at = (kind: AlertKind, severity: AlertSeverity, message: string): AlertCondition => ({
    key: `${kind}:${device.deviceId}`,
    kind,
    severity,
    deviceId: device.deviceId,
    message: `${device.deviceId}: ${message}`,
  });
  const found: AlertCondition[] = [];
  if (PRINTERS.has(device.kind)) {
    // Out of paper supersedes near-end: one alert for one roll.
    if (has('paper-end') || has('media-empty')) found.push(at('paper-out', 'critical', 'out of paper'));
    else if (has('paper-near-end')) found.push(at('paper-near-end', 'warning', 'paper near its end'));
    if (has('cover-open')) found.push(at('printer-cover-open', 'critical', 'printer cover open'));
    if (has('jam')) found.push(at('printer-jam', 'critical', 'paper jam'));
  }
  if (device.kind === 'card-reader' && (device.status === 'missing' || has('not-found') || has('disconnected'))) {
    found.push(at('card-reader-missing', 'critical', 'card reader missing'));
  }
  if (has('cash-box-full') && !emptiedSince(device, collection)) found.push(at('cash-box-full', 'warning', 'cash box full'));
  if (has('hopper-empty')) found.push(at('hopper-empty', 'critical', 'change hopper empty'));
  return found;
}

/**
 * Every alert condition that holds for a kiosk at `nowMs`, from the latest state the hub has. Device
 * conditions come from the devices' reasons (the peripherals' health model); the rest from the status
 * and the last heartbeat. A kiosk that has not enrolled yet has no alerts.
 */
export function alertConditions(input: AlertInput, nowMs: number, thresholds: AlertThresholds): AlertCondition[] {
  if (!input.enrolled) return [];
  const found = input.devices.flatMap((device) => deviceConditions(device, input.cashCollection));
  const cash = input.cashCollection;
  if (cash !== null && cash.discrepancyYen !== 0) {
    // One alert per collection that did not balance; a later collection starts clearing it.
    found.push({
      key: `cash-discrepancy:${cash.collectedAt}`,
      kind: 'cash-discrepancy',
      severity: 'warning',
      deviceId: null,
      message: `cash collection at ${cash.collectedAt}: ¥${Math.abs(cash.discrepancyYen)} ${cash.discrepancyYen < 0 ? 'short' : 'over'} against the ledger`,
    });
  }

  if (input.status === 'offline' && input.statusSince !== null) {
    const offlineMs = nowMs - Date.parse(input.statusSince);
    if (offlineMs >= thresholds.offlineAfterMs) {
      const minutes = Math.floor(offlineMs / 60_000);
      found.push({ key: 'kiosk-offline', kind: 'kiosk-offline', severity: 'critical', deviceId: null, message: `offline for ${minutes} min` });
    }
  }

  const t = input.telemetry;
  if (t) {
    const oldestAgeMs = t.outboxOldestOccurredAt === null ? 0 : nowMs - Date.parse(t.outboxOldestOccurredAt);
    if (t.outboxBacklog > thresholds.outboxBacklogMax || oldestAgeMs > thresholds.outboxOldestAgeMs) {
      found.push({
        key: 'outbox-backlog',
        kind: 'outbox-backlog',
        severity: 'warning',
        deviceId: null,
        message: `${t.outboxBacklog} events waiting, oldest ${Math.floor(oldestAgeMs / 60_000)} min old`,
      });
    }
    const driftMs = Date.parse(t.sentAt) - Date.parse(t.receivedAt);
    if (Math.abs(driftMs) > thresholds.clockDriftMs) {
      found.push({
        key: 'clock-drift',
        kind: 'clock-drift',
        severity: 'warning',
        deviceId: null,
        message: `kiosk clock ${driftMs > 0 ? 'ahead' : 'behind'} by ${Math.round(Math.abs(driftMs) / 1000)} s`,
      });
    }
  }
  return found;
}

/** An unresolved alert as far as the lifecycle is concerned. */
export interface LiveAlert {
  alertId: string;
  key: string;
  kind: AlertKind;
  openedAt: string;
  clearedAt: string | null;
}

export interface AlertPlan {
  open: AlertCondition[];
  reactivate: string[];
  clear: string[];
  resolve: string[];
}

/**
 * The lifecycle step from the conditions that hold now and the kiosk's unresolved alerts:
 * - a condition without an unresolved alert opens one (once: while it is unresolved, none other);
 * - a condition whose alert was clearing comes back to it (a flap: no new alert, no new notification);
 * - an alert whose condition no longer holds starts clearing, and resolves once it has stayed clear
 *   for `holdMs` (acknowledged or not); a full cash box whose condition ended with a collection after it
 *   opened (`emptiedAt`) resolves at once: emptying the box is the fix, nothing can flap.
 */
export function planAlerts(
  conditions: readonly AlertCondition[],
  live: readonly LiveAlert[],
  nowMs: number,
  holdMs: number,
  emptiedAt: string | null = null,
): AlertPlan {
  const plan: AlertPlan = { open: [], reactivate: [], clear: [], resolve: [] };
  const byKey = new Map(live.map((alert) => [alert.key, alert]));
  const holding = new Set<string>();
  for (const condition of conditions) {
    if (holding.has(condition.key)) continue;
    holding.add(condition.key);
    const alert = byKey.get(condition.key);
    if (!alert) plan.open.push(condition);
    else if (alert.clearedAt !== null) plan.reactivate.push(alert.alertId);
  }
  for (const alert of live) {
    if (holding.has(alert.key)) continue;
    if (alert.kind === 'cash-box-full' && emptiedAt !== null && Date.parse(emptiedAt) >= Date.parse(alert.openedAt)) {
      plan.resolve.push(alert.alertId);
      continue;
    }
    const clearedAtMs = alert.clearedAt === null ? nowMs : Date.parse(alert.clearedAt);
    if (nowMs - clearedAtMs >= holdMs) plan.resolve.push(alert.alertId);
    else if (alert.clearedAt === null) plan.clear.push(alert.alertId);
  }
  return plan;
}

export function isEmptyPlan(plan: AlertPlan): boolean {
  return plan.open.length + plan.reactivate.length + plan.clear.length + plan.resolve.length === 0;
}

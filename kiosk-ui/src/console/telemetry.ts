import type { TelemetryPoint } from '@kiosk/protocols';
import type { Point } from './charts';

/**
 * The series the kiosk page charts, taken from the hub's stored heartbeats (oldest first). Points whose
 * time cannot be read are left out rather than drawn at the epoch.
 */

const MB = 1024 * 1024;

function timed(telemetry: readonly TelemetryPoint[]): { t: number; point: TelemetryPoint }[] {
  return telemetry.map((point) => ({ t: Date.parse(point.at), point })).filter(({ t }) => Number.isFinite(t));
}

export function backlogSeries(telemetry: readonly TelemetryPoint[]): Point[] {
  return timed(telemetry).map(({ t, point }) => ({ t, v: point.outboxBacklog }));
}

/** Agent memory (resident set) in MB, one decimal. */
export function memorySeries(telemetry: readonly TelemetryPoint[]): Point[] {
  return timed(telemetry).map(({ t, point }) => ({ t, v: Math.round((point.rssBytes / MB) * 10) / 10 }));
}

/** The time axis: first to last heartbeat (not to "now": after the last one nothing is known). */
export function timeDomain(telemetry: readonly TelemetryPoint[]): [number, number] | null {
  const times = timed(telemetry).map(({ t }) => t);
  if (times.length === 0) return null;
  return [Math.min(...times), Math.max(...times)];
}

/** The activity counts a chart can show (each a rolling last-hour count, except the cash box). */
export type ActivitySeries = 'cardReads' | 'receiptPrints' | 'documentPrints' | 'transactions' | 'cashBoxValue' | 'cashBoxCoins';

/**
 * One activity figure over the stored heartbeats; points from agents that sent no activity (older
 * versions) are left out. The counts are each heartbeat's "last hour", so the line reads "per hour".
 */
export function activitySeries(telemetry: readonly TelemetryPoint[], which: ActivitySeries): Point[] {
  return timed(telemetry).flatMap(({ t, point }) => {
    const activity = point.activity;
    if (activity === undefined) return [];
    if (which === 'cashBoxValue' || which === 'cashBoxCoins') {
      if (activity.cashBox === null) return [];
      return [{ t, v: which === 'cashBoxValue' ? activity.cashBox.valueYen : activity.cashBox.coins }];
    }
    return [{ t, v: activity[which] }];
  });
}

import type { KioskSummary } from '@kiosk/protocols';

/** A heartbeat alone (only `lastHeartbeatAt` moved) reaches the consoles at most this often. */
export const HEARTBEAT_ONLY_PUBLISH_MS = 30_000;

export interface Published {
  key: string;
  atMs: number;
}

/** Everything a console shows about the kiosk except the heartbeat time. */
export function summaryKey(summary: KioskSummary): string {
  const { lastHeartbeatAt: _heartbeat, ...rest } = summary;
  return JSON.stringify(rest);
}

export function shouldPublish(previous: Published | undefined, key: string, nowMs: number): boolean {
  return previous === undefined || previous.key !== key || nowMs - previous.atMs >= HEARTBEAT_ONLY_PUBLISH_MS;
}

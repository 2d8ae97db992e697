import { EventEmitter } from 'node:events';
import {
  DeviceHealthSchema,
  DeviceReasonSchema,
  type DeviceHealth,
  type DeviceKind,
  type DeviceReason,
  type DeviceStatus,
} from '@kiosk/protocols';
import { systemClock, type Clock, type PeripheralLogger, silentLogger, describeError } from '../logger';

/** Reasons that mean "the device is not there", as opposed to "there but unable". */
const MISSING_REASONS: ReadonlySet<DeviceReason> = new Set(['disconnected', 'not-found']);
/** Reasons that still let the device do its job (a technician should act soon). */
const WARNING_REASONS: ReadonlySet<DeviceReason> = new Set(['paper-near-end']);

/**
 * The status a set of reasons implies: missing beats error beats warning beats ok. Drivers that know
 * better (IPP's `-warning` suffixes) pass an explicit status instead.
 */
export function deriveStatus(reasons: readonly DeviceReason[]): DeviceStatus {
  if (reasons.some((reason) => MISSING_REASONS.has(reason))) return 'missing';
  if (reasons.some((reason) => !WARNING_REASONS.has(reason))) return 'error';
  return reasons.length > 0 ? 'warning' : 'ok';
}

const REASON_ORDER = DeviceReasonSchema.options;

/** Deduplicated, in the schema's order, so two equal sets compare equal and telemetry is stable. */
export function normaliseReasons(reasons: Iterable<DeviceReason>): DeviceReason[] {
  const set = new Set(reasons);
  return REASON_ORDER.filter((reason) => set.has(reason)).slice(0, 16);
}

export interface HealthUpdate {
  status?: DeviceStatus;
  detail?: string;
}

/**
 * One device's health record. `update` replaces the reasons; listeners hear about it only when the status
 * or the set of reasons changes (a poll that finds the same state is not an event). `since` is the instant
 * of the last such change.
 */
export class HealthTracker {
  private current: DeviceHealth;
  private readonly events = new EventEmitter<{ change: [DeviceHealth] }>();

  constructor(
    readonly deviceId: string,
    readonly kind: DeviceKind,
    private readonly clock: Clock = systemClock,
    private readonly logger: PeripheralLogger = silentLogger,
    initial: DeviceReason[] = ['not-found'],
  ) {
    this.current = this.build(normaliseReasons(initial), deriveStatus(initial), undefined);
  }

  health(): DeviceHealth {
    return this.current;
  }

  has(reason: DeviceReason): boolean {
    return this.current.reasons.includes(reason);
  }

  /** Returns true when the change was an event (status or reasons differ). */
  update(reasons: Iterable<DeviceReason>, update: HealthUpdate = {}): boolean {
    const next = normaliseReasons(reasons);
    const status = update.status ?? deriveStatus(next);
    const changed = status !== this.current.status || next.join() !== this.current.reasons.join();
    if (!changed) {
      if (update.detail !== this.current.detail) this.current = { ...this.build(next, status, update.detail), since: this.current.since };
      return false;
    }
    this.current = this.build(next, status, update.detail);
    for (const listener of this.events.listeners('change')) {
      try {
        (listener as (health: DeviceHealth) => void)(this.current);
      } catch (error) {
        // A listener's bug must not stop the driver's poll loop.
        this.logger.error({ deviceId: this.deviceId, err: describeError(error) }, 'health listener failed');
      }
    }
    return true;
  }

  onChange(listener: (health: DeviceHealth) => void): () => void {
    this.events.on('change', listener);
    return () => this.events.off('change', listener);
  }

  private build(reasons: DeviceReason[], status: DeviceStatus, detail: string | undefined): DeviceHealth {
    return DeviceHealthSchema.parse({
      deviceId: this.deviceId,
      kind: this.kind,
      status,
      reasons,
      ...(detail === undefined ? {} : { detail: detail.slice(0, 500) }),
      since: this.clock.now().toISOString(),
    });
  }
}

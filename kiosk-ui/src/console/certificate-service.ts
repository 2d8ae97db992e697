import {
  FailureSchema,
  FeeTableSchema,
  MaintenanceDayChangeSchema,
  MaintenanceDayListSchema,
  ServiceAvailabilityAtSchema,
  ServiceCalendarSchema,
  type FeeTable,
  type MaintenanceDayChange,
  type MaintenanceDayList,
  type ServiceAvailabilityAt,
  type ServiceCalendarView,
} from '@kiosk/protocols';
import type { Fetch } from './auth-client';

/**
 * The certificate service's REST routes (central-hub README "REST", `/api/certificates/*`): fee table,
 * calendar, "open at T?", maintenance days. Every answer is parsed with its protocol schema; a refusal
 * becomes a `CertificateServiceError` carrying the HTTP status (403: the role may not, 404: not in scope).
 */

const BASE = '/api/certificates';

/** A protocol schema, as far as the client uses it (kiosk-ui imports only `protocols`, not zod). */
interface Parser<T> {
  parse(value: unknown): T;
}

export class CertificateServiceError extends Error {
  override readonly name = 'CertificateServiceError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class CertificateServiceClient {
  constructor(
    private readonly fetch: Fetch,
    private readonly token: string,
  ) {}

  fees(): Promise<FeeTable> {
    return this.request(FeeTableSchema, 'GET', '/fees');
  }

  calendar(municipality: string, from: string, to: string): Promise<ServiceCalendarView> {
    return this.request(ServiceCalendarSchema, 'GET', `/calendar?${new URLSearchParams({ municipality, from, to }).toString()}`);
  }

  availability(municipality: string, at: string): Promise<ServiceAvailabilityAt> {
    return this.request(ServiceAvailabilityAtSchema, 'GET', `/availability?${new URLSearchParams({ municipality, at }).toString()}`);
  }

  maintenanceDays(municipality: string): Promise<MaintenanceDayList> {
    return this.request(MaintenanceDayListSchema, 'GET', `/maintenance-days?${new URLSearchParams({ municipality }).toString()}`);
  }

  /** `kioskId`: only that kiosk closes; without it, every kiosk of the municipality. */
  schedule(municipality: string, day: string, kioskId?: string): Promise<MaintenanceDayChange> {
    return this.request(MaintenanceDayChangeSchema, 'POST', '/maintenance-days', { municipality, day, ...(kioskId === undefined ? {} : { kioskId }) });
  }

  cancel(municipality: string, day: string, kioskId?: string): Promise<MaintenanceDayChange> {
    const query = new URLSearchParams({ municipality, day, ...(kioskId === undefined ? {} : { kioskId }) });
    return this.request(MaintenanceDayChangeSchema, 'DELETE', `/maintenance-days?${query.toString()}`);
  }

  private async request<T>(schema: Parser<T>, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await this.fetch(`${BASE}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!response.ok) {
      const failure = FailureSchema.safeParse(await response.json().catch(() => null));
      throw new CertificateServiceError(response.status, failure.success ? failure.data.error.message : `HTTP ${response.status}`);
    }
    return schema.parse(await response.json());
  }
}

/** The JST calendar day of an instant (`YYYY-MM-DD`), as the hub counts days. */
export function jstDay(instant: Date): string {
  return new Date(instant.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
}

/** `YYYY-MM-DD` plus `days`. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** A JST date and `HH:MM` time, as typed in the console's inputs, to an instant (null when either is not valid). */
export function jstInstant(day: string, time: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !/^\d{2}:\d{2}(:\d{2})?$/.test(time)) return null;
  const ms = Date.parse(`${day}T${time.length === 5 ? `${time}:00` : time}+09:00`);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** A JST calendar day (`YYYY-MM-DD`) with its weekday, in the console's language. */
export function formatDay(language: string, day: string): string {
  return new Intl.DateTimeFormat(language, { timeZone: 'Asia/Tokyo', year: 'numeric', month: 'short', day: 'numeric', weekday: 'short' }).format(
    new Date(`${day}T12:00:00+09:00`),
  );
}

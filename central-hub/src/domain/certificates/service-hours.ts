import type { ServiceAvailability, ServiceDay } from '@kiosk/protocols';
import { addDays, jstDate, jstInstant, jstParts, minutesOf, type LocalTime } from '../jst';

/**
 * When a municipality's kiosk service is open: daily hours in JST, fixed closed days of the year
 * (`MM-DD`, the year-end holidays Dec 29 – Jan 3) and the maintenance days its operator set
 * (`YYYY-MM-DD`, JST calendar days).
 */
export interface ServiceCalendar {
  open: string;
  close: string;
  closedDays: readonly string[];
  maintenanceDays: ReadonlySet<string>;
}

/** How far ahead `reopensAt` is looked for (a year of maintenance days would be an operator mistake). */
const LOOKAHEAD_DAYS = 400;

/**
 * Open or closed at `now`, with the reason the kiosk shows. Holidays and maintenance take precedence
 * over the hours (a person at 07:00 on Dec 30 is told "year-end holidays", not "open").
 */
export function serviceAvailability(now: Date, calendar: ServiceCalendar): ServiceAvailability {
  const today = jstDate(now);
  const closedReason = dayClosedReason(today, calendar);
  if (closedReason) return { open: false, reason: closedReason, reopensAt: nextOpening(today, 1, calendar) };
  const msOfDay = jstParts(now).msOfDay;
  if (msOfDay < minutesOf(calendar.open) * 60_000) {
    return { open: false, reason: 'before-hours', reopensAt: jstInstant(today, calendar.open).toISOString() };
  }
  if (msOfDay >= minutesOf(calendar.close) * 60_000) {
    return { open: false, reason: 'after-hours', reopensAt: nextOpening(today, 1, calendar) };
  }
  return { open: true, closesAt: jstInstant(today, calendar.close).toISOString() };
}

/**
 * The calendar operators read, one entry per JST day from `from` to `to` (inclusive): closed all day
 * (why), or the instants it opens and closes. The same closed-day rule as `serviceAvailability`.
 */
export function serviceDays(from: string, to: string, calendar: ServiceCalendar): ServiceDay[] {
  const days: ServiceDay[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) {
    const reason = dayClosedReason(day, calendar);
    days.push(
      reason
        ? { day, open: false, reason }
        : { day, open: true, opensAt: jstInstant(day, calendar.open).toISOString(), closesAt: jstInstant(day, calendar.close).toISOString() },
    );
  }
  return days;
}

function dayClosedReason(day: string, calendar: ServiceCalendar): 'year-end-holidays' | 'maintenance' | null {
  if (calendar.closedDays.includes(day.slice(5))) return 'year-end-holidays';
  if (calendar.maintenanceDays.has(day)) return 'maintenance';
  return null;
}

/** Opening time of the first open day from `day + fromOffset`, or null when none is in sight. */
function nextOpening(day: string, fromOffset: number, calendar: ServiceCalendar): string | null {
  for (let i = fromOffset; i <= LOOKAHEAD_DAYS; i++) {
    const candidate = addDays(day, i);
    if (!dayClosedReason(candidate, calendar)) return jstInstant(candidate, calendar.open).toISOString();
  }
  return null;
}

/**
 * The instant the service-hours rule judges. A demo hub (`HUB_DEMO_SERVICE_TIME`, never set on a real one)
 * judges today's Japan date at a fixed time of day, so the certificate flow can be tried at any hour;
 * closed days and maintenance days still apply. Issue times, card validity and everything else keep the
 * real clock.
 */
export function serviceHoursInstant(now: Date, demoServiceTime: LocalTime | null): Date {
  return demoServiceTime === null ? now : jstInstant(jstDate(now), demoServiceTime);
}

/**
 * The instant an issuance's service hours are judged at. The rule: no payment step starts at or after
 * closing time, and one that began before it is completed (or refunded), never stranded. So the hub judges
 * the hours when the kiosk's payment step began (`paymentOpenedAt`, the kiosk's word), believed only between
 * the card session's opening (no payment comes before the card check) and the hub's now (none comes from
 * the future). A kiosk that does not say is judged now: closed then, it refunds.
 */
export function issuanceJudgedAt(input: { now: Date; cardSessionOpenedAt: Date; paymentOpenedAt: string | undefined }): Date {
  if (input.paymentOpenedAt === undefined) return input.now;
  const claimed = Date.parse(input.paymentOpenedAt);
  if (Number.isNaN(claimed)) return input.now;
  return new Date(Math.min(input.now.getTime(), Math.max(input.cardSessionOpenedAt.getTime(), claimed)));
}

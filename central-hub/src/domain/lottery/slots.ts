import type { FacilityType, Municipality, Sport } from '@kiosk/protocols';
import { datesOfMonth, jstInstant, minutesOf, weekdayOf, type LocalDate, type LocalTime, type YearMonth } from '../jst';

/** One bookable period of a unit's day, and its fee. */
export interface SlotTemplate {
  start: LocalTime;
  end: LocalTime;
  feeYen: number;
}

/** A bookable part of a facility: a court, a lane, an arena. */
export interface UnitSpec {
  unitId: string;
  name: string;
  nameEn: string;
  sports: Sport[];
  slots: SlotTemplate[];
}

export interface FacilitySpec {
  facilityId: string;
  municipality: Municipality;
  name: string;
  nameEn: string;
  facilityType: FacilityType;
  /** 0 = Sunday … 6 = Saturday. */
  closedWeekdays: number[];
  cancelDeadlineDays: number;
  units: UnitSpec[];
}

export interface SlotRecord {
  slotId: string;
  unitId: string;
  date: LocalDate;
  start: LocalTime;
  end: LocalTime;
  /** ISO-8601 UTC instants of `date start` and `date end` in Japan. */
  startsAt: string;
  endsAt: string;
  feeYen: number;
}

/** Where and when a slot is, which is all the cap and back-to-back rules look at. */
export interface SlotSpan {
  unitId: string;
  date: LocalDate;
  start: LocalTime;
  end: LocalTime;
}

export function slotIdOf(unitId: string, date: LocalDate, start: LocalTime): string {
  return `${unitId}@${date}T${start.replace(':', '')}`;
}

/** Public facilities close for the New Year holidays (Dec 29 – Jan 3). */
export function isYearEndClosure(date: LocalDate): boolean {
  const monthDay = date.slice(5);
  return monthDay >= '12-29' || monthDay <= '01-03';
}

/** Every slot of every unit of `facility` in `month`, except on its closed days. */
export function generateSlots(facility: FacilitySpec, month: YearMonth): SlotRecord[] {
  const slots: SlotRecord[] = [];
  for (const date of datesOfMonth(month)) {
    if (isYearEndClosure(date) || facility.closedWeekdays.includes(weekdayOf(date))) continue;
    for (const unit of facility.units) {
      for (const template of unit.slots) {
        slots.push({
          slotId: slotIdOf(unit.unitId, date, template.start),
          unitId: unit.unitId,
          date,
          start: template.start,
          end: template.end,
          startsAt: jstInstant(date, template.start).toISOString(),
          endsAt: jstInstant(date, template.end).toISOString(),
          feeYen: template.feeYen,
        });
      }
    }
  }
  return slots;
}

export function slotHours(span: SlotSpan): number {
  return (minutesOf(span.end) - minutesOf(span.start)) / 60;
}

/**
 * How many blocks the spans make, where slots of the same unit on the same day that touch (one ends
 * when the next starts) or overlap are one block: a person booking court 1 from 09:00 to 13:00 as two
 * 2-hour slots has made one booking for the caps.
 */
export function countBlocks(spans: readonly SlotSpan[]): number {
  const byUnitDay = new Map<string, SlotSpan[]>();
  for (const span of spans) {
    const key = `${span.unitId}\u0000${span.date}`;
    const list = byUnitDay.get(key) ?? [];
    list.push(span);
    byUnitDay.set(key, list);
  }
  let blocks = 0;
  for (const list of byUnitDay.values()) {
    list.sort((a, b) => minutesOf(a.start) - minutesOf(b.start));
    let blockEnd = -1;
    for (const span of list) {
      const start = minutesOf(span.start);
      if (start > blockEnd) blocks += 1;
      blockEnd = Math.max(blockEnd, minutesOf(span.end));
    }
  }
  return blocks;
}

import { z } from 'zod';
import { LocalTimeSchema, type RoundPhase } from '@kiosk/protocols';
import { addMonths, dateInMonth, jstInstant, minutesOf, type YearMonth } from '../jst';

/**
 * When a round's windows open and close. A round is for the slots of one *use month*; all its
 * milestones fall in the *entry month*, `monthsAhead` months before it (Osaka's shared system takes
 * applications on the 1st–10th of the month two months ahead). Days are limited to 1–28 so every
 * milestone exists in every month.
 */
export const DayTimeSchema = z.strictObject({ day: z.int().min(1).max(28), time: LocalTimeSchema });
export type DayTime = z.infer<typeof DayTimeSchema>;

type Milestone = 'entryOpens' | 'entryCloses' | 'draw' | 'results' | 'confirmCloses' | 'firstComeOpens';

export const ScheduleSettingsSchema = z
  .strictObject({
    monthsAhead: z.int().min(1).max(6),
    entryOpens: DayTimeSchema,
    /** Exclusive: `{ day: 10, time: '24:00' }` accepts entries through the whole of the 10th. */
    entryCloses: DayTimeSchema,
    draw: DayTimeSchema,
    results: DayTimeSchema,
    /** Exclusive end of the confirmation window; unconfirmed wins are released then. */
    confirmCloses: DayTimeSchema,
    /** Released and unentered slots open first-come here (the issue: 12:00 the day after confirmation closes). */
    firstComeOpens: DayTimeSchema,
    /** How long after the window closes an entry taken offline (within the window) is still accepted. */
    offlineGraceMinutes: z.int().min(0).max(7 * 24 * 60),
  })
  .superRefine((schedule, ctx) => {
    const at = (m: Milestone) => schedule[m].day * 1440 + minutesOf(schedule[m].time);
    const order: [Milestone, Milestone, number, boolean][] = [
      ['entryOpens', 'entryCloses', 0, true],
      ['entryCloses', 'draw', schedule.offlineGraceMinutes, false],
      ['draw', 'results', 0, false],
      ['results', 'confirmCloses', 0, true],
      ['confirmCloses', 'firstComeOpens', 0, true],
    ];
    for (const [earlier, later, gap, strict] of order) {
      const ok = strict ? at(earlier) + gap < at(later) : at(earlier) + gap <= at(later);
      if (!ok) {
        const what = gap > 0 ? `${earlier} + offlineGraceMinutes` : earlier;
        ctx.addIssue({ code: 'custom', path: [later], message: `must be ${strict ? 'after' : 'at or after'} ${what}` });
      }
    }
  });
export type ScheduleSettings = z.infer<typeof ScheduleSettingsSchema>;

export const DEFAULT_SCHEDULE: ScheduleSettings = {
  monthsAhead: 2,
  entryOpens: { day: 1, time: '00:00' },
  entryCloses: { day: 10, time: '24:00' },
  draw: { day: 12, time: '09:00' },
  results: { day: 13, time: '09:00' },
  confirmCloses: { day: 20, time: '24:00' },
  firstComeOpens: { day: 21, time: '12:00' },
  offlineGraceMinutes: 24 * 60,
};

/** A round's milestones as instants; frozen into the round when it is created. */
export interface RoundTimetable {
  entryOpensAt: Date;
  entryClosesAt: Date;
  drawAt: Date;
  resultsAt: Date;
  confirmClosesAt: Date;
  firstComeOpensAt: Date;
  /** Start of the month after the use month: nothing of the round is left after it. */
  endsAt: Date;
}

export function entryMonthOf(schedule: Pick<ScheduleSettings, 'monthsAhead'>, useMonth: YearMonth): YearMonth {
  return addMonths(useMonth, -schedule.monthsAhead);
}

export function lotteryTimetable(schedule: ScheduleSettings, useMonth: YearMonth): RoundTimetable {
  const entryMonth = entryMonthOf(schedule, useMonth);
  const at = ({ day, time }: DayTime) => jstInstant(dateInMonth(entryMonth, day), time);
  return {
    entryOpensAt: at(schedule.entryOpens),
    entryClosesAt: at(schedule.entryCloses),
    drawAt: at(schedule.draw),
    resultsAt: at(schedule.results),
    confirmClosesAt: at(schedule.confirmCloses),
    firstComeOpensAt: at(schedule.firstComeOpens),
    endsAt: jstInstant(dateInMonth(addMonths(useMonth, 1), 1)),
  };
}

/**
 * A month whose lottery could no longer be held when its round was created (the hub started after its
 * entry window closed): its slots are first-come from `opensAt`. Every lottery milestone collapses onto
 * that instant, so `roundPhase` needs no special case.
 */
export function firstComeOnlyTimetable(useMonth: YearMonth, opensAt: Date): RoundTimetable {
  return {
    entryOpensAt: opensAt,
    entryClosesAt: opensAt,
    drawAt: opensAt,
    resultsAt: opensAt,
    confirmClosesAt: opensAt,
    firstComeOpensAt: opensAt,
    endsAt: jstInstant(dateInMonth(addMonths(useMonth, 1), 1)),
  };
}

/** Where a round stands at `now`. Each window includes its start and excludes its end. */
export function roundPhase(t: RoundTimetable, now: Date): RoundPhase {
  const ms = now.getTime();
  if (ms < t.entryOpensAt.getTime()) return 'announced';
  if (ms < t.entryClosesAt.getTime()) return 'entry';
  if (ms < t.drawAt.getTime()) return 'awaiting-draw';
  if (ms < t.resultsAt.getTime()) return 'awaiting-results';
  if (ms < t.confirmClosesAt.getTime()) return 'confirmation';
  if (ms < t.firstComeOpensAt.getTime()) return 'release-hold';
  if (ms < t.endsAt.getTime()) return 'first-come';
  return 'finished';
}

/**
 * The use months a hub should have rounds for at `now`: from this month to the first month whose
 * entry window has not opened yet, so every commitment is public well before its window closes.
 */
export function useMonthsToPrepare(schedule: ScheduleSettings, currentMonth: YearMonth): YearMonth[] {
  return Array.from({ length: schedule.monthsAhead + 2 }, (_, k) => addMonths(currentMonth, k));
}

import { readFileSync } from 'node:fs';
import { FacilityIdSchema, SlotIdSchema, UnitIdSchema, MUNICIPALITIES } from '@kiosk/protocols';
import { MUNICIPALITY_SLUGS, TOYONAKA_FACILITIES, roundIdOf } from './catalogue.toyonaka';
import { minutesOf } from '../jst';
import { generateSlots } from './slots';
import { factsFile } from '../../../test/certificates/support/facts';

const facts = JSON.parse(readFileSync(factsFile(), 'utf8')) as {
  sportsFacilityTerminals: { streetTerminalSites: string[]; participants: string[] };
};

describe('Toyonaka seed catalogue', () => {
  it('has exactly the 11 street-terminal sites, named as in the facts', () => {
    expect(TOYONAKA_FACILITIES.map((f) => f.name)).toEqual(facts.sportsFacilityTerminals.streetTerminalSites);
    expect(TOYONAKA_FACILITIES.every((f) => f.municipality === '豊中市')).toBe(true);
  });

  it('knows every participating municipality', () => {
    expect([...MUNICIPALITIES]).toEqual(facts.sportsFacilityTerminals.participants);
    expect(Object.keys(MUNICIPALITY_SLUGS).sort()).toEqual([...MUNICIPALITIES].sort());
    expect(new Set(Object.values(MUNICIPALITY_SLUGS)).size).toBe(MUNICIPALITIES.length);
    expect(roundIdOf('豊中市', 'sports-room', '2027-01')).toBe('toyonaka-sports-room-2027-01');
  });

  it('has valid, unique ids and well-ordered slots with fees', () => {
    const units = TOYONAKA_FACILITIES.flatMap((f) => f.units);
    expect(new Set(units.map((u) => u.unitId)).size).toBe(units.length);
    for (const facility of TOYONAKA_FACILITIES) {
      expect(FacilityIdSchema.safeParse(facility.facilityId).success).toBe(true);
      for (const unit of facility.units) {
        expect(UnitIdSchema.safeParse(unit.unitId).success).toBe(true);
        expect(unit.unitId.startsWith(facility.facilityId)).toBe(true);
        let previousEnd = 0;
        for (const slot of unit.slots) {
          expect(minutesOf(slot.start)).toBeGreaterThanOrEqual(previousEnd);
          expect(minutesOf(slot.end)).toBeGreaterThan(minutesOf(slot.start));
          expect(slot.feeYen).toBeGreaterThan(0);
          previousEnd = minutesOf(slot.end);
        }
      }
      for (const slot of generateSlots(facility, '2027-01').slice(0, 20)) expect(SlotIdSchema.safeParse(slot.slotId).success).toBe(true);
    }
  });

  it('has the shapes the issue asks for: 2-hour tennis, split gyms, pool lanes, half-day baseball', () => {
    const types = new Set(TOYONAKA_FACILITIES.map((f) => f.facilityType));
    expect([...types].sort()).toEqual(['baseball', 'budo', 'gym', 'pool', 'sports-room', 'tennis']);
    for (const f of TOYONAKA_FACILITIES.filter((x) => x.facilityType === 'tennis')) {
      for (const s of f.units.flatMap((u) => u.slots)) expect(minutesOf(s.end) - minutesOf(s.start)).toBe(120);
    }
    for (const f of TOYONAKA_FACILITIES.filter((x) => x.facilityType === 'gym')) {
      expect(f.units.map((u) => u.nameEn)).toEqual(['Main arena', 'Sub arena']);
    }
    expect(TOYONAKA_FACILITIES.find((f) => f.facilityType === 'pool')?.units.length).toBeGreaterThan(1);
    const field = TOYONAKA_FACILITIES.find((f) => f.facilityType === 'baseball')?.units[0];
    expect(field?.slots.slice(0, 2).map((s) => minutesOf(s.end) - minutesOf(s.start))).toEqual([240, 240]);
  });
});

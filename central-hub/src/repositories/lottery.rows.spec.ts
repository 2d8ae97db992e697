import { uniqueViolationOn } from './lottery.rows';

describe('uniqueViolationOn', () => {
  it('recognises a unique violation by shape, even from another realm', () => {
    // What better-sqlite3 throws, as a plain object: the class may belong to another jest realm.
    const foreign = { name: 'SqliteError', code: 'SQLITE_CONSTRAINT_UNIQUE', message: 'UNIQUE constraint failed: facility_bookings.slot_id' };
    expect(uniqueViolationOn(foreign, 'slot_id')).toBe(true);
    expect(uniqueViolationOn(foreign, 'booking_number')).toBe(false);
    expect(uniqueViolationOn({ ...foreign, code: 'SQLITE_CONSTRAINT_FOREIGNKEY' }, 'slot_id')).toBe(false);
    expect(uniqueViolationOn(new Error('UNIQUE constraint failed: facility_bookings.slot_id'), 'slot_id')).toBe(false);
    expect(uniqueViolationOn(null, 'slot_id')).toBe(false);
  });
});

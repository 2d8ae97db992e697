import {
  AuditPageSchema,
  AvailabilityResponseSchema,
  CertificateTypeSchema,
  ChallengeResponseSchema,
  FeeTableSchema,
  MAX_COPIES,
  MaintenanceDayChangeSchema,
  MaintenanceDayListSchema,
  ServiceAvailabilityAtSchema,
  ServiceCalendarSchema,
  type CertificateOptions,
  type CertificateType,
  type ServiceAvailability,
} from '@kiosk/protocols';
import { buildCatalogues, TOYONAKA } from '../../src/domain/certificates/catalogue';
import { loadCertificateFacts, type CertificateFacts } from '../../src/domain/certificates/facts';
import { quoteFee } from '../../src/domain/certificates/fees';
import { addDays, jstDate, jstInstant, jstParts } from '../../src/domain/jst';
import { connectKiosk, enrolKiosk, type AgentClientSocket } from '../support/agent-client';
import { ManualClock } from '../support/manual-clock';
import { ManualScheduler } from '../support/manual-scheduler';
import { TestHub } from '../support/test-hub';
import { factsFile } from './support/facts';

const TOYONAKA_NAME = '豊中市';
const ACCOUNTS = [
  ['viewer', 'viewer', TOYONAKA_NAME],
  ['technician', 'technician', TOYONAKA_NAME],
  ['administrator', 'administrator', TOYONAKA_NAME],
  ['otherAdministrator', 'administrator', '吹田市'],
] as const;
const q = (params: Record<string, string>) => new URLSearchParams(params).toString();

/** What the facts file says a kiosk is told at `at` (no maintenance day): written from the facts, not from the hub's rule. */
function expectedFromFacts(facts: CertificateFacts, at: Date): ServiceAvailability {
  const { serviceHours, closedDays } = facts.certificateIssuance;
  const closedAllDay = (day: string) => closedDays.includes(day.slice(5));
  const nextOpening = (day: string) => {
    let next = addDays(day, 1);
    while (closedAllDay(next)) next = addDays(next, 1);
    return jstInstant(next, serviceHours.open).toISOString();
  };
  const day = jstDate(at);
  const { hour, minute, second } = jstParts(at);
  const time = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:${String(second).padStart(2, '0')}`;
  if (closedAllDay(day)) return { open: false, reason: 'year-end-holidays', reopensAt: nextOpening(day) };
  if (time < `${serviceHours.open}:00`) return { open: false, reason: 'before-hours', reopensAt: jstInstant(day, serviceHours.open).toISOString() };
  if (time >= `${serviceHours.close}:00`) return { open: false, reason: 'after-hours', reopensAt: nextOpening(day) };
  return { open: true, closesAt: jstInstant(day, serviceHours.close).toISOString() };
}

/** One order of each type, as a kiosk would send it, to price through the kiosks' own quote rule. */
const SAMPLE_OPTIONS: Record<CertificateType, CertificateOptions> = {
  juminhyo: { type: 'juminhyo', scope: 'household', includeDomicile: false, includeRelationship: false },
  inkan: { type: 'inkan' },
  koseki: { type: 'koseki', scope: 'full' },
  'koseki-fuhyo': { type: 'koseki-fuhyo', includeDomicile: false },
  kazei: { type: 'kazei', fiscalYear: 2025 },
};

/**
 * The operators' certificate-service routes (issue 18) against a real hub on a clock the test moves:
 * maintenance days scheduled and cancelled over REST close and reopen a connected kiosk; the calendar,
 * "open at T?" and fee routes agree with the shipped facts file at the hours' edge instants and for
 * every certificate type × 1–10 copies; who may read and who may write, with the audit trail.
 */
describe('certificate service routes', () => {
  const facts = loadCertificateFacts(factsFile());
  // Wednesday 2026-11-25, 12:00 JST.
  const clock = new ManualClock(jstInstant('2026-11-25', '12:00'));
  let hub: TestHub;
  /** Moves the hub's clock, and signs everyone in again (a session ends 8 hours after it began, by that clock). */
  async function moveTo(instant: Date): Promise<void> {
    clock.advance(instant.getTime() - clock.now().getTime());
    await signIn();
  }
  let kiosk: AgentClientSocket;
  const tokens: Record<'viewer' | 'technician' | 'administrator' | 'otherAdministrator', string> = { viewer: '', technician: '', administrator: '', otherAdministrator: '' };

  beforeAll(async () => {
    hub = await TestHub.start({ overrides: { clock, scheduler: new ManualScheduler() } });
    kiosk = await connectKiosk(hub.url, await enrolKiosk(hub), clock.now());
    for (const [name, role, municipality] of ACCOUNTS) await hub.createUser(name.toLowerCase(), role, municipality);
    await signIn();
  }, 60_000);

  async function signIn(): Promise<void> {
    for (const [name] of ACCOUNTS) tokens[name] = await hub.login(name.toLowerCase(), `${name.toLowerCase()}-password-1`);
  }

  afterAll(async () => {
    kiosk?.close();
    await hub?.close();
  });

  async function kioskAvailability(): Promise<ServiceAvailability> {
    const answer = AvailabilityResponseSchema.parse(await kiosk.timeout(5000).emitWithAck('certificates.availability', {}));
    if (!answer.ok) throw new Error(`availability refused: ${answer.error.code}`);
    return answer.availability;
  }

  async function restAvailability(at?: Date): Promise<ServiceAvailability> {
    const params: Record<string, string> = { municipality: TOYONAKA_NAME };
    if (at) params.at = at.toISOString();
    const response = await hub.api('GET', `/api/certificates/availability?${q(params)}`, undefined, tokens.technician);
    expect(response.status).toBe(200);
    return ServiceAvailabilityAtSchema.parse(response.body).availability;
  }

  describe('who may read and who may schedule', () => {
    it('lets technicians and administrators of the municipality read, not viewers nor other municipalities', async () => {
      const fees = `/api/certificates/fees?${q({ municipality: TOYONAKA_NAME })}`;
      expect((await hub.api('GET', fees, undefined, tokens.technician)).status).toBe(200);
      expect((await hub.api('GET', fees, undefined, tokens.administrator)).status).toBe(200);
      expect((await hub.api('GET', fees, undefined, tokens.viewer)).status).toBe(403);
      expect((await hub.api('GET', fees, undefined, tokens.otherAdministrator)).status).toBe(404);
      expect((await hub.api('GET', fees, undefined, null)).status).toBe(401);
      // Without a municipality: the ones in scope (none issue certificates for 吹田市's administrator).
      expect(FeeTableSchema.parse((await hub.api('GET', '/api/certificates/fees', undefined, tokens.otherAdministrator)).body).municipalities).toEqual([]);
      const calendar = `/api/certificates/calendar?${q({ municipality: TOYONAKA_NAME, from: '2026-11-25', to: '2026-11-30' })}`;
      expect((await hub.api('GET', calendar, undefined, tokens.viewer)).status).toBe(403);
      expect((await hub.api('GET', calendar, undefined, tokens.otherAdministrator)).status).toBe(404);
      expect((await hub.api('GET', `/api/certificates/maintenance-days?${q({ municipality: '京都市' })}`)).status).toBe(404);
    });

    it('validates every query and body with the protocol schemas', async () => {
      const bad = [
        `/api/certificates/calendar?${q({ municipality: TOYONAKA_NAME, from: '2026-11-30', to: '2026-11-25' })}`,
        `/api/certificates/calendar?${q({ municipality: TOYONAKA_NAME, from: '2026-01-01', to: '2026-12-31' })}`,
        `/api/certificates/calendar?${q({ municipality: TOYONAKA_NAME, from: '2026-02-30', to: '2026-03-01' })}`,
        `/api/certificates/availability?${q({ municipality: TOYONAKA_NAME, at: 'tomorrow' })}`,
        `/api/certificates/fees?${q({ municipality: TOYONAKA_NAME, extra: '1' })}`,
      ];
      for (const route of bad) expect(await hub.api('GET', route)).toMatchObject({ status: 400, body: { ok: false, error: { code: 'invalid_message' } } });
      expect((await hub.api('POST', '/api/certificates/maintenance-days', { municipality: TOYONAKA_NAME, day: '2026-13-01' })).status).toBe(400);
      expect((await hub.api('POST', '/api/certificates/maintenance-days', { municipality: TOYONAKA_NAME, day: '2026-11-24' })).status).toBe(400);
      expect((await hub.api('DELETE', `/api/certificates/maintenance-days?${q({ municipality: TOYONAKA_NAME })}`)).status).toBe(400);
    });

    it('lets only administrators of the municipality schedule, and audits refusals and changes', async () => {
      const body = { municipality: TOYONAKA_NAME, day: '2026-12-02' };
      expect((await hub.api('POST', '/api/certificates/maintenance-days', body, tokens.technician)).status).toBe(403);
      expect((await hub.api('POST', '/api/certificates/maintenance-days', body, tokens.otherAdministrator)).status).toBe(404);
      const scheduled = await hub.api('POST', '/api/certificates/maintenance-days', body, tokens.administrator);
      expect(scheduled.status).toBe(201);
      expect(MaintenanceDayChangeSchema.parse(scheduled.body)).toEqual({ ...body, kioskId: null, scheduled: true, changed: true });
      const again = await hub.api('POST', '/api/certificates/maintenance-days', body, tokens.administrator);
      expect(MaintenanceDayChangeSchema.parse(again.body).changed).toBe(false);
      const listed = MaintenanceDayListSchema.parse((await hub.api('GET', `/api/certificates/maintenance-days?${q({ municipality: TOYONAKA_NAME })}`, undefined, tokens.technician)).body);
      expect(listed.days).toEqual([{ day: '2026-12-02', kioskId: null, setAt: clock.now().toISOString() }]);
      const cancelled = await hub.api('DELETE', `/api/certificates/maintenance-days?${q(body)}`, undefined, tokens.administrator);
      expect(cancelled.status).toBe(200);
      expect(MaintenanceDayChangeSchema.parse(cancelled.body)).toEqual({ ...body, kioskId: null, scheduled: false, changed: true });

      const audit = AuditPageSchema.parse((await hub.api('GET', '/api/audit?limit=20')).body).entries.filter((e) => e.action.startsWith('maintenance-day.'));
      expect(audit.map((e) => [e.actor, e.action, e.outcome, e.target, e.detail])).toEqual([
        ['administrator', 'maintenance-day.cancelled', 'ok', '2026-12-02', { changed: true }],
        ['administrator', 'maintenance-day.scheduled', 'ok', '2026-12-02', { changed: false }],
        ['administrator', 'maintenance-day.scheduled', 'ok', '2026-12-02', { changed: true }],
        ['otheradministrator', 'maintenance-day.scheduled', 'refused', '2026-12-02', { reason: 'municipality' }],
        ['technician', 'maintenance-day.scheduled', 'refused', '2026-12-02', { reason: 'role' }],
      ]);
    });
  });

  it('closes the kiosk on a maintenance day scheduled over REST, with the next open day, and reopens it when cancelled', async () => {
    const day = { municipality: TOYONAKA_NAME, day: '2026-11-26' };
    expect((await hub.api('POST', '/api/certificates/maintenance-days', day, tokens.administrator)).status).toBe(201);
    await moveTo(jstInstant('2026-11-26', '12:00'));
    const closed = { open: false, reason: 'maintenance', reopensAt: jstInstant('2026-11-27', '06:30').toISOString() };
    expect(await kioskAvailability()).toEqual(closed);
    expect(await restAvailability()).toEqual(closed);
    expect(ChallengeResponseSchema.parse(await kiosk.timeout(5000).emitWithAck('certificates.challenge', {}))).toEqual({
      ok: false,
      error: { code: 'maintenance', message: 'certificate service is closed for maintenance today' },
    });
    const calendar = ServiceCalendarSchema.parse(
      (await hub.api('GET', `/api/certificates/calendar?${q({ municipality: TOYONAKA_NAME, from: '2026-11-26', to: '2026-11-27' })}`, undefined, tokens.technician)).body,
    );
    expect(calendar.days.map((d) => [d.day, d.open])).toEqual([
      ['2026-11-26', false],
      ['2026-11-27', true],
    ]);
    expect(calendar.days[0]).toMatchObject({ reason: 'maintenance' });

    // Cancelled on the day itself: the kiosk is open again at once.
    expect((await hub.api('DELETE', `/api/certificates/maintenance-days?${q(day)}`, undefined, tokens.administrator)).status).toBe(200);
    const open = { open: true, closesAt: jstInstant('2026-11-26', '23:00').toISOString() };
    expect(await kioskAvailability()).toEqual(open);
    expect(ChallengeResponseSchema.parse(await kiosk.timeout(5000).emitWithAck('certificates.challenge', {}))).toMatchObject({ ok: true });
  });

  it('closes one kiosk on its own maintenance day, not the others, and reopens it when cancelled (audited with the kiosk)', async () => {
    const own = await enrolKiosk(hub, { name: '本庁 2F' });
    const other = await enrolKiosk(hub, { name: '庄内' });
    const elsewhere = await enrolKiosk(hub, { municipality: '吹田市', site: '吹田市役所', name: '吹田' });
    const ownSocket = await connectKiosk(hub.url, own, clock.now());
    const otherSocket = await connectKiosk(hub.url, other, clock.now());
    const availabilityOf = async (socket: AgentClientSocket) => {
      const answer = AvailabilityResponseSchema.parse(await socket.timeout(5000).emitWithAck('certificates.availability', {}));
      if (!answer.ok) throw new Error(`availability refused: ${answer.error.code}`);
      return answer.availability;
    };
    try {
      const day = { municipality: TOYONAKA_NAME, day: '2026-11-27', kioskId: own.kioskId };
      // Only the municipality's own kiosks; an unknown id or another municipality's kiosk is not found.
      for (const kioskId of ['kiosk-nobody00', elsewhere.kioskId]) {
        expect((await hub.api('POST', '/api/certificates/maintenance-days', { ...day, kioskId }, tokens.administrator)).status).toBe(404);
      }
      expect((await hub.api('POST', '/api/certificates/maintenance-days', { ...day, kioskId: 'Not A Kiosk' }, tokens.administrator)).status).toBe(400);
      expect((await hub.api('POST', '/api/certificates/maintenance-days', day, tokens.technician)).status).toBe(403);
      const scheduled = await hub.api('POST', '/api/certificates/maintenance-days', day, tokens.administrator);
      expect(scheduled.status).toBe(201);
      expect(MaintenanceDayChangeSchema.parse(scheduled.body)).toEqual({ ...day, scheduled: true, changed: true });
      const listed = MaintenanceDayListSchema.parse((await hub.api('GET', `/api/certificates/maintenance-days?${q({ municipality: TOYONAKA_NAME })}`, undefined, tokens.technician)).body);
      expect(listed.days).toEqual([{ day: '2026-11-27', kioskId: own.kioskId, setAt: clock.now().toISOString() }]);

      await moveTo(jstInstant('2026-11-27', '12:00'));
      const closed = { open: false, reason: 'maintenance', reopensAt: jstInstant('2026-11-28', '06:30').toISOString() };
      const open = { open: true, closesAt: jstInstant('2026-11-27', '23:00').toISOString() };
      expect(await availabilityOf(ownSocket)).toEqual(closed);
      expect(ChallengeResponseSchema.parse(await ownSocket.timeout(5000).emitWithAck('certificates.challenge', {}))).toMatchObject({ ok: false, error: { code: 'maintenance' } });
      expect(await availabilityOf(otherSocket)).toEqual(open);
      expect(await kioskAvailability()).toEqual(open);
      // The municipality's calendar is the municipality-wide one: open that day.
      expect(await restAvailability()).toEqual(open);

      // Cancelling the municipality's day (there is none) leaves the kiosk's own day in place.
      const wide = { municipality: TOYONAKA_NAME, day: '2026-11-27' };
      expect(MaintenanceDayChangeSchema.parse((await hub.api('DELETE', `/api/certificates/maintenance-days?${q(wide)}`, undefined, tokens.administrator)).body)).toMatchObject({ changed: false });
      expect(await availabilityOf(ownSocket)).toEqual(closed);
      const cancelled = await hub.api('DELETE', `/api/certificates/maintenance-days?${q(day)}`, undefined, tokens.administrator);
      expect(MaintenanceDayChangeSchema.parse(cancelled.body)).toEqual({ ...day, scheduled: false, changed: true });
      expect(await availabilityOf(ownSocket)).toEqual(open);

      const audit = AuditPageSchema.parse((await hub.api('GET', '/api/audit?limit=20')).body).entries.filter((e) => e.action.startsWith('maintenance-day.') && e.target === '2026-11-27');
      expect(audit.map((e) => [e.actor, e.action, e.outcome, e.kioskId, e.detail])).toEqual([
        ['administrator', 'maintenance-day.cancelled', 'ok', own.kioskId, { changed: true }],
        ['administrator', 'maintenance-day.cancelled', 'ok', null, { changed: false }],
        ['administrator', 'maintenance-day.scheduled', 'ok', own.kioskId, { changed: true }],
        ['technician', 'maintenance-day.scheduled', 'refused', own.kioskId, { reason: 'role' }],
      ]);
    } finally {
      ownSocket.close();
      otherSocket.close();
    }
  });

  describe('the hours at their edges, as the facts file has them', () => {
    const EDGES: [string, string, string][] = [
      ['2026-11-30', '06:29:59', 'before-hours'],
      ['2026-11-30', '06:30:00', 'open'],
      ['2026-11-30', '22:59:59', 'open'],
      ['2026-11-30', '23:00:00', 'after-hours'],
      ['2026-12-28', '22:59:00', 'open'],
      ['2026-12-29', '06:30:00', 'year-end-holidays'],
      ['2027-01-03', '22:00:00', 'year-end-holidays'],
      ['2027-01-04', '06:30:00', 'open'],
    ];

    it('the facts are the ones these edges were chosen for', () => {
      expect(facts.certificateIssuance.serviceHours).toMatchObject({ open: '06:30', close: '23:00' });
      expect(facts.certificateIssuance.closedDays).toEqual(['12-29', '12-30', '12-31', '01-01', '01-02', '01-03']);
    });

    it.each(EDGES)('%s %s JST: %s — the availability route (asked at T, and standing at T) and the kiosk agree with the facts', async (day, time, expected) => {
      const at = new Date(jstInstant(day, time.slice(0, 5)).getTime() + Number(time.slice(6)) * 1000);
      const fromFacts = expectedFromFacts(facts, at);
      expect(fromFacts.open ? 'open' : fromFacts.reason).toBe(expected);
      expect(await restAvailability(at)).toEqual(fromFacts);
      await moveTo(at);
      expect(await restAvailability()).toEqual(fromFacts);
      expect(await kioskAvailability()).toEqual(fromFacts);
    });

    it('the calendar route gives each day of the year end its hours or its closure, as the facts say', async () => {
      const response = await hub.api('GET', `/api/certificates/calendar?${q({ municipality: TOYONAKA_NAME, from: '2026-12-27', to: '2027-01-05' })}`, undefined, tokens.technician);
      expect(response.status).toBe(200);
      const calendar = ServiceCalendarSchema.parse(response.body);
      const { serviceHours, closedDays } = facts.certificateIssuance;
      const expected = [];
      for (let day = '2026-12-27'; day <= '2027-01-05'; day = addDays(day, 1)) {
        expected.push(
          closedDays.includes(day.slice(5))
            ? { day, open: false, reason: 'year-end-holidays' }
            : { day, open: true, opensAt: jstInstant(day, serviceHours.open).toISOString(), closesAt: jstInstant(day, serviceHours.close).toISOString() },
        );
      }
      expect(calendar).toEqual({ municipality: TOYONAKA_NAME, days: expected });
    });

    it('the calendar route puts each edge instant inside its day’s hours exactly when the availability route says open', async () => {
      for (const [day, time] of EDGES) {
        const at = new Date(jstInstant(day, time.slice(0, 5)).getTime() + Number(time.slice(6)) * 1000);
        const route = `/api/certificates/calendar?${q({ municipality: TOYONAKA_NAME, from: day, to: day })}`;
        const [entry] = ServiceCalendarSchema.parse((await hub.api('GET', route, undefined, tokens.technician)).body).days;
        const inHours = entry?.open === true && at >= new Date(entry.opensAt) && at < new Date(entry.closesAt);
        expect([day, time, inHours]).toEqual([day, time, (await restAvailability(at)).open]);
      }
    });
  });

  it('gives the fee of every certificate type for 1 to 10 copies, as the facts file and the kiosks’ quote have it', async () => {
    const response = await hub.api('GET', `/api/certificates/fees?${q({ municipality: TOYONAKA_NAME })}`, undefined, tokens.technician);
    expect(response.status).toBe(200);
    const [table] = FeeTableSchema.parse(response.body).municipalities;
    const catalogue = buildCatalogues(facts, [TOYONAKA]).get(TOYONAKA_NAME);
    if (!table || !catalogue) throw new Error('no fee table for 豊中市');
    expect(table.entries.map((e) => e.type)).toEqual(CertificateTypeSchema.options);
    for (const fact of facts.certificateIssuance.certificates) {
      const entry = table.entries.find((e) => e.type === fact.code);
      expect(entry).toMatchObject({ nameJa: fact.ja, nameEn: fact.en, unitFeeYen: fact.kioskFeeYen });
      for (let copies = 1; copies <= MAX_COPIES; copies++) {
        expect(entry?.feesYen[copies - 1]).toBe(fact.kioskFeeYen * copies);
        expect(quoteFee(catalogue, { options: SAMPLE_OPTIONS[fact.code], copies })).toEqual({ ok: true, unitFeeYen: fact.kioskFeeYen, copies, feeYen: fact.kioskFeeYen * copies });
      }
    }
  });
});

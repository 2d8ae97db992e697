import type { HubCommand } from '@kiosk/protocols';
import { openTestStore } from '../../test/support/test-store';
import type { HubStore } from '../storage/hub-store';
import type { AuditDraft } from './audit.sql';
import { KyselyCommandRepository } from './command.repository';
import { KioskIdTakenError, KyselyEnrolmentRepository, type NewEnrolmentCode } from './enrolment.repository';
import { KyselyKioskRepository } from './kiosk.repository';

/**
 * Kiosks, enrolment codes and commands against a real store (the run's engine, issue 13): each state
 * change happens once, with its audit row, however many callers race for it.
 */
describe('fleet records (kiosks, enrolment, commands)', () => {
  let opened: { store: HubStore; close(): Promise<void> };
  let enrolment: KyselyEnrolmentRepository;
  let kiosks: KyselyKioskRepository;
  let commands: KyselyCommandRepository;
  const kioskId = 'kiosk-abcd1234';
  const code = (id: string, codeHash: string): NewEnrolmentCode => ({
    codeHash,
    kiosk: { kioskId: id, name: 'n', municipality: '豊中市', site: '豊島体育館', kind: 'certificate-kiosk' },
    createdAt: '2026-11-26T00:00:00.000Z',
    expiresAt: '2026-11-27T00:00:00.000Z',
  });
  const draft = (action: AuditDraft['action']): AuditDraft => ({
    at: '2026-11-26T01:00:00.000Z',
    actor: 'tanaka',
    actorKind: 'user',
    action,
    outcome: 'ok',
    municipality: '豊中市',
    kioskId,
    target: null,
    detail: {},
  });
  const ping = (n: number, expiresAt = '2026-11-26T02:00:00.000Z'): HubCommand => ({
    commandId: `019abcde-f012-7345-8678-9abcdef0123${n}`,
    type: 'ping',
    params: {},
    issuedAt: `2026-11-26T01:00:0${n}.000Z`,
    expiresAt,
  });
  const auditCount = async (): Promise<number> => (await opened.store.db.selectFrom('audit_log').select('seq').execute()).length;

  beforeEach(async () => {
    opened = await openTestStore();
    enrolment = new KyselyEnrolmentRepository(opened.store);
    kiosks = new KyselyKioskRepository(opened.store);
    commands = new KyselyCommandRepository(opened.store);
    await enrolment.createCode(code(kioskId, 'h1'));
  });

  afterEach(async () => {
    await opened.close();
  });

  it('refuses a kiosk id that is taken, writing nothing', async () => {
    await expect(enrolment.createCode(code(kioskId, 'h2'), draft('enrolment-code.created'))).rejects.toBeInstanceOf(KioskIdTakenError);
    expect(await auditCount()).toBe(0);
  });

  it('redeems a code once, however many redeem it at once, and never an expired one', async () => {
    const redemption = { codeHash: 'h1', publicKey: 'key', now: '2026-11-26T00:10:00.000Z' };
    const audit = (kiosk: { kioskId: string; municipality: string }): AuditDraft => ({ ...draft('kiosk.enrolled'), kioskId: kiosk.kioskId, municipality: kiosk.municipality });
    const results = await Promise.all([1, 2, 3, 4].map(() => enrolment.redeem(redemption, audit)));
    expect(results.filter((result) => result?.repeated === false)).toMatchObject([{ kioskId, entry: { seq: 1, municipality: '豊中市' } }]);
    // The same code with the same key (an agent that died before saving its identity) is answered again, writing nothing.
    expect(results.filter((result) => result?.repeated === true)).toEqual(Array.from({ length: 3 }, () => ({ kioskId, entry: undefined, repeated: true })));
    expect(await auditCount()).toBe(1);
    expect(await kiosks.findById(kioskId)).toMatchObject({ publicKey: 'key', enrolledAt: redemption.now });
    // With another key the used code is refused.
    expect(await enrolment.redeem({ ...redemption, publicKey: 'other-key' })).toBeUndefined();

    await enrolment.createCode(code('kiosk-other', 'h2'));
    expect(await enrolment.redeem({ codeHash: 'h2', publicKey: 'key2', now: '2026-11-27T00:00:00.000Z' })).toBeUndefined();
    expect(await kiosks.countByStatus()).toEqual(new Map([['offline', 1]]));
  });

  it('shows each kiosk with its latest cash collection', async () => {
    await enrolment.createCode(code('kiosk-other', 'h2'));
    const collection = (seq: number, discrepancy: number) => ({
      kiosk_id: kioskId,
      seq,
      event_id: `e${seq}`,
      collected_at: `2026-11-26T0${seq}:00:00.000Z`,
      expected_yen: 1000,
      recorded_yen: 1000,
      counted_yen: 1000 + discrepancy,
      discrepancy_yen: discrepancy,
      settled_at: `2026-11-26T0${seq}:00:00.000Z`,
    });
    await opened.store.db.insertInto('cash_collections').values([collection(3, -10), collection(5, 20), collection(4, 0)]).execute();
    const latest = { collectedAt: '2026-11-26T05:00:00.000Z', discrepancyYen: 20 };
    const views = await kiosks.listViews();
    expect(views.map((view) => [view.kiosk.kioskId, view.cashCollection])).toEqual([
      [kioskId, latest],
      ['kiosk-other', null],
    ]);
    expect((await kiosks.findView(kioskId))?.cashCollection).toEqual(latest);
  });

  it('delivers, refuses and expires a queued command once each, each change with its audit row', async () => {
    await commands.insert(kioskId, ping(0), 'tanaka', draft('command.sent'));
    await commands.insert(kioskId, ping(1), 'tanaka', draft('command.sent'));
    await commands.insert(kioskId, ping(2, '2026-11-26T01:30:00.000Z'), 'tanaka', draft('command.sent'));
    expect((await commands.pendingForKiosk(kioskId, '2026-11-26T01:00:10.000Z')).map((c) => c.commandId)).toEqual([ping(0), ping(1), ping(2)].map((c) => c.commandId));

    const delivered = await Promise.all([1, 2, 3].map(() => commands.markDelivered(ping(0).commandId, '2026-11-26T01:00:20.000Z', draft('command.delivered'))));
    expect(delivered.filter((entry) => entry !== undefined)).toHaveLength(1);
    expect(await commands.markRefused(ping(0).commandId, '2026-11-26T01:00:30.000Z', 'no', draft('command.failed'))).toBeUndefined();
    expect(await commands.markRefused(ping(1).commandId, '2026-11-26T01:00:30.000Z', 'no', draft('command.failed'))).toMatchObject({ action: 'command.failed' });

    const expired = await commands.expireDue('2026-11-26T01:40:00.000Z', (record) => ({ ...draft('command.expired'), target: record.command.commandId }));
    expect(expired).toMatchObject([{ record: { status: 'expired', municipality: '豊中市', completedAt: '2026-11-26T01:40:00.000Z' }, entry: { target: ping(2).commandId } }]);
    expect(await commands.expireDue('2026-11-26T01:40:00.000Z', () => draft('command.expired'))).toEqual([]);

    expect(await commands.findById(ping(1).commandId)).toMatchObject({ status: 'failed', detail: 'no', issuedBy: 'tanaka' });
    expect((await commands.listForKiosk(kioskId, 2)).map((record) => record.status)).toEqual(['expired', 'failed']);
    expect(await commands.countByStatus()).toEqual(new Map([['delivered', 1], ['failed', 1], ['expired', 1]]));
    expect(await auditCount()).toBe(6);
  });
});

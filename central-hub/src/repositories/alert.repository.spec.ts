import { openTestStore } from '../../test/support/test-store';
import { verifyAuditChain } from '../services/audit-chain.rules';
import type { HubStore } from '../storage/hub-store';
import { isUniqueViolation } from '../storage/storage-errors';
import { KyselyAlertRepository, type NewAlert } from './alert.repository';
import { KyselyAuditRepository } from './audit.repository';
import { storedFromRow, type AuditDraft, type AuditRow } from './audit.sql';
import { KyselyEnrolmentRepository } from './enrolment.repository';

/** Alerts and the audit trail against a real store (the run's engine): the lifecycle's SQL and the invariants the schema holds. */
describe('KyselyAlertRepository and KyselyAuditRepository', () => {
  let opened: { store: HubStore; close(): Promise<void> };
  let alerts: KyselyAlertRepository;
  let audit: KyselyAuditRepository;
  const kioskId = 'kiosk-abcd1234';
  const paperOut = (alertId: string): NewAlert => ({ alertId, kioskId, key: 'paper-out:p1', kind: 'paper-out', severity: 'critical', deviceId: 'p1', message: 'm' });
  const draft = (action: AuditDraft['action']): AuditDraft => ({
    at: '2026-11-26T01:00:00.000Z',
    actor: 'tanaka',
    actorKind: 'user',
    action,
    outcome: 'ok',
    municipality: '豊中市',
    kioskId,
    target: null,
    detail: { comment: 'x' },
  });
  const ids = ['019abcde-f012-7345-8678-9abcdef01230', '019abcde-f012-7345-8678-9abcdef01231'] as const;

  beforeEach(async () => {
    opened = await openTestStore();
    alerts = new KyselyAlertRepository(opened.store);
    audit = new KyselyAuditRepository(opened.store);
    await new KyselyEnrolmentRepository(opened.store).createCode({
      codeHash: 'h',
      kiosk: { kioskId, name: 'n', municipality: '豊中市', site: '豊島体育館', kind: 'certificate-kiosk' },
      createdAt: '2026-11-26T00:00:00.000Z',
      expiresAt: '2026-11-27T00:00:00.000Z',
    });
  });

  afterEach(async () => {
    await opened.close();
  });

  const auditRows = async (): Promise<AuditRow[]> => (await opened.store.db.selectFrom('audit_log').selectAll().orderBy('seq').execute()) as AuditRow[];

  const empty = { open: [], clear: [], reactivate: [], resolve: [] };

  it('holds at most one unresolved alert per kiosk and condition, in the schema itself', async () => {
    await alerts.apply({ ...empty, open: [paperOut(ids[0])] }, '2026-11-26T01:00:00.000Z');
    // The schema refuses a second one outright.
    const duplicate = await opened.store.db
      .insertInto('alerts')
      .values({ alert_id: ids[1], kiosk_id: kioskId, alert_key: 'paper-out:p1', kind: 'paper-out', severity: 'critical', device_id: 'p1', message: 'm', state: 'open', opened_at: 't' })
      .execute()
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(isUniqueViolation(duplicate)).toBe(true);
    // What another hub process's evaluation of the same moment asks for (issue 14): nothing is opened,
    // nothing fails, and the other changes of the same set still apply.
    await alerts.apply({ ...empty, open: [{ ...paperOut(ids[0]), alertId: '019abcde-f012-7345-8678-9abcdef0123a', key: 'printer-cover-open:p1', kind: 'printer-cover-open' }] }, '2026-11-26T01:00:00.500Z');
    expect(
      await alerts.apply({ ...empty, open: [paperOut(ids[1])], clear: ['019abcde-f012-7345-8678-9abcdef0123a'] }, '2026-11-26T01:00:01.000Z'),
    ).toMatchObject([{ alertId: '019abcde-f012-7345-8678-9abcdef0123a', clearedAt: '2026-11-26T01:00:01.000Z' }]);
    expect((await alerts.unresolved(kioskId)).map((alert) => alert.alertId)).toEqual([ids[0], '019abcde-f012-7345-8678-9abcdef0123a']);
    await alerts.apply({ ...empty, resolve: ['019abcde-f012-7345-8678-9abcdef0123a'] }, '2026-11-26T01:00:01.500Z');
    await alerts.apply({ ...empty, resolve: [ids[0]] }, '2026-11-26T01:00:02.000Z');
    const [reopened] = await alerts.apply({ ...empty, open: [paperOut(ids[1])] }, '2026-11-26T01:00:03.000Z');
    expect(reopened).toMatchObject({ alertId: ids[1], state: 'open', municipality: '豊中市', site: '豊島体育館' });
  });

  it('clears, re-activates (counting the flap) and resolves, returning each changed alert', async () => {
    await alerts.apply({ ...empty, open: [paperOut(ids[0])] }, '2026-11-26T01:00:00.000Z');
    expect(await alerts.apply({ ...empty, clear: [ids[0]] }, '2026-11-26T01:00:10.000Z')).toMatchObject([{ clearedAt: '2026-11-26T01:00:10.000Z' }]);
    expect(await alerts.apply({ ...empty, clear: [ids[0]] }, '2026-11-26T01:00:20.000Z')).toEqual([]);
    expect(await alerts.apply({ ...empty, reactivate: [ids[0]] }, '2026-11-26T01:00:30.000Z')).toMatchObject([{ clearedAt: null, flaps: 1 }]);
    expect(await alerts.apply({ ...empty, resolve: [ids[0]] }, '2026-11-26T01:00:40.000Z')).toMatchObject([
      { state: 'resolved', resolvedAt: '2026-11-26T01:00:40.000Z', clearedAt: '2026-11-26T01:00:40.000Z' },
    ]);
    expect(await alerts.unresolved(kioskId)).toEqual([]);
  });

  it('acknowledges an open alert and writes its audit row in the same transaction, only once', async () => {
    await alerts.apply({ ...empty, open: [paperOut(ids[0])] }, '2026-11-26T01:00:00.000Z');
    const done = await alerts.acknowledge(ids[0], 'tanaka', 'on my way', '2026-11-26T01:01:00.000Z', draft('alert.acknowledged'));
    expect(done).toMatchObject({ alert: { state: 'acknowledged', acknowledgedBy: 'tanaka', ackComment: 'on my way' }, entry: { seq: 1, action: 'alert.acknowledged' } });
    expect(await alerts.acknowledge(ids[0], 'suzuki', 'again', '2026-11-26T01:02:00.000Z', draft('alert.acknowledged'))).toBeUndefined();
    expect(await auditRows()).toHaveLength(1);
  });

  it('chains audit rows so that the chain verifies, and pages them newest first within a municipality', async () => {
    for (let i = 0; i < 5; i++) await audit.append({ ...draft('auth.login'), municipality: i % 2 === 0 ? '豊中市' : '吹田市' });
    const head = await opened.store.db.selectFrom('audit_head').select(['seq', 'hash']).executeTakeFirstOrThrow();
    expect(verifyAuditChain((await auditRows()).map(storedFromRow), head)).toMatchObject({ ok: true, rows: 5 });
    expect((await audit.page({ before: undefined, limit: 10, municipality: '豊中市' })).map((e) => e.seq)).toEqual([5, 3, 1]);
    expect((await audit.page({ before: 5, limit: 2, municipality: null })).map((e) => e.seq)).toEqual([4, 3]);
  });
});

import { openTestStore } from '../../test/support/test-store';
import { verifyAuditChain } from '../services/audit-chain.rules';
import { KyselyAuditRepository, auditRowFrom } from './audit.repository';
import { storedFromRow, type AuditDraft } from './audit.sql';

function draft(municipality: string | null, target: string): AuditDraft {
  return { at: '2026-12-07T01:00:00.000Z', actor: 'yamada', actorKind: 'user', action: 'auth.login', outcome: 'refused', municipality, kioskId: null, target, detail: { why: 'wrong password', n: 1 } };
}

/** The hash-chained audit trail on a real store of this run's engine. */
describe('KyselyAuditRepository', () => {
  let opened: Awaited<ReturnType<typeof openTestStore>>;
  let audit: KyselyAuditRepository;

  beforeEach(async () => {
    opened = await openTestStore();
    audit = new KyselyAuditRepository(opened.store);
  });

  afterEach(async () => {
    await opened.close();
  });

  async function verdict() {
    const head = await opened.store.db.selectFrom('audit_head').select(['seq', 'hash']).executeTakeFirst();
    const rows = await opened.store.db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
    return verifyAuditChain(rows.map((row) => storedFromRow(auditRowFrom(row))), head);
  }

  it('extends one chain under 30 concurrent appends (no fork, no gap)', async () => {
    const entries = await Promise.all(Array.from({ length: 30 }, (_, i) => audit.append(draft('豊中市', `t-${i}`))));
    expect(entries.map((entry) => entry.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(await verdict()).toMatchObject({ ok: true, rows: 30, head: { seq: 30 } });
  });

  it('pages newest first, before a seq, within a municipality', async () => {
    for (const [i, municipality] of ['豊中市', '吹田市', '豊中市', null, '豊中市'].entries()) await audit.append(draft(municipality, `t-${i + 1}`));
    const seqs = async (before: number | undefined, limit: number, municipality: string | null) =>
      (await audit.page({ before, limit, municipality })).map((entry) => entry.seq);
    expect(await seqs(undefined, 3, null)).toEqual([5, 4, 3]);
    expect(await seqs(3, 10, null)).toEqual([2, 1]);
    expect(await seqs(undefined, 10, '豊中市')).toEqual([5, 3, 1]);
    expect(await seqs(5, 1, '豊中市')).toEqual([3]);
    const [newest] = await audit.page({ before: undefined, limit: 1, municipality: null });
    expect(newest).toMatchObject({ seq: 5, actorKind: 'user', action: 'auth.login', outcome: 'refused', detail: { n: 1, why: 'wrong password' } });
  });
});

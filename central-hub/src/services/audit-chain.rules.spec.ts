import { GENESIS_HASH, auditHash, canonicalDetail, verifyAuditChain, type StoredAuditRow } from './audit-chain.rules';

function chain(count: number): StoredAuditRow[] {
  const rows: StoredAuditRow[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq++) {
    const content = {
      seq,
      at: `2026-11-26T01:00:0${seq}.000Z`,
      actor: 'tanaka',
      actorKind: 'user' as const,
      action: 'command.sent' as const,
      outcome: 'ok' as const,
      municipality: '豊中市',
      kioskId: 'kiosk-abcd1234',
      target: null,
      detailJson: canonicalDetail({ type: 'ping', n: seq }),
    };
    const hash = auditHash(prevHash, content);
    rows.push({ ...content, prevHash, hash });
    prevHash = hash;
  }
  return rows;
}

const headOf = (rows: StoredAuditRow[]) => ({ seq: rows.at(-1)?.seq ?? 0, hash: rows.at(-1)?.hash ?? '' });

describe('audit chain', () => {
  it('hashes canonical content: key order does not matter, any change does', () => {
    expect(canonicalDetail({ b: 1, a: 'x' })).toBe('{"a":"x","b":1}');
    const [row] = chain(1);
    if (!row) throw new Error('no row');
    expect(auditHash(GENESIS_HASH, row)).toBe(row.hash);
    expect(auditHash(GENESIS_HASH, { ...row, actor: 'tanakb' })).not.toBe(row.hash);
    expect(auditHash('f'.repeat(64), row)).not.toBe(row.hash);
  });

  it('accepts an intact chain, and an empty one with no head', () => {
    const rows = chain(4);
    expect(verifyAuditChain(rows, headOf(rows))).toEqual({ ok: true, rows: 4, head: headOf(rows) });
    expect(verifyAuditChain([], undefined)).toEqual({ ok: true, rows: 0, head: null });
  });

  it('names an edited row', () => {
    const rows = chain(4);
    const edited = rows.map((r) => (r.seq === 3 ? { ...r, outcome: 'refused' as const } : r));
    expect(verifyAuditChain(edited, headOf(rows))).toMatchObject({ ok: false, seq: 3, problem: 'edited' });
  });

  it('names the row after an edited and re-hashed one', () => {
    const rows = chain(4);
    const forged = rows.map((r) => (r.seq === 2 ? { ...r, actor: 'x', hash: auditHash(r.prevHash, { ...r, actor: 'x' }) } : r));
    expect(verifyAuditChain(forged, headOf(rows))).toMatchObject({ ok: false, seq: 3, problem: 'broken-link' });
  });

  it('names a deleted row, and rows deleted at the end', () => {
    const rows = chain(4);
    expect(verifyAuditChain(rows.filter((r) => r.seq !== 2), headOf(rows))).toMatchObject({ ok: false, seq: 2, problem: 'missing-row' });
    expect(verifyAuditChain(rows.slice(0, 3), headOf(rows))).toMatchObject({ ok: false, seq: 4, problem: 'head-mismatch' });
    expect(verifyAuditChain([], headOf(rows))).toMatchObject({ ok: false, seq: 1, problem: 'head-mismatch' });
  });
});

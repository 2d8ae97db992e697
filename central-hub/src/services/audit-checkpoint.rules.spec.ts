import { generateKeyPairSync } from 'node:crypto';
import { AuditCheckpointSchema } from '@kiosk/protocols';
import { GENESIS_HASH, auditHash, type StoredAuditRow } from './audit-chain.rules';
import { CheckpointCheck, auditKeyId, checkpointSignedBy, signCheckpoint } from './audit-checkpoint.rules';

/** A chain of `n` rows, hashed as the hub hashes them. */
function chain(n: number): StoredAuditRow[] {
  const rows: StoredAuditRow[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const content = { seq, at: '2026-12-07T01:00:00.000Z', actor: 'yamada', actorKind: 'user' as const, action: 'auth.login' as const, outcome: 'ok' as const, municipality: '豊中市', kioskId: null, target: null, detailJson: '{}' };
    const hash = auditHash(prevHash, content);
    rows.push({ ...content, prevHash, hash });
    prevHash = hash;
  }
  return rows;
}

describe('audit checkpoint rules (issue 15)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const rows = chain(5);
  const at = '2026-12-07T02:00:00.000Z';
  const head = (seq: number) => ({ seq, hash: rows[seq - 1]?.hash ?? '' });

  it('signs a checkpoint that the schema accepts and only the signing key verifies', () => {
    const checkpoint = signCheckpoint(head(3), at, privateKey);
    expect(AuditCheckpointSchema.parse(checkpoint)).toEqual(checkpoint);
    expect(checkpoint.keyId).toBe(auditKeyId(publicKey));
    expect(checkpointSignedBy(checkpoint, [publicKey])).toBe(true);
    expect(checkpointSignedBy(checkpoint, [privateKey])).toBe(true);
    expect(checkpointSignedBy(checkpoint, [generateKeyPairSync('ed25519').publicKey])).toBe(false);
    expect(checkpointSignedBy({ ...checkpoint, seq: 4 }, [publicKey])).toBe(false);
    expect(checkpointSignedBy({ ...checkpoint, at: '2026-12-07T02:00:01.000Z' }, [publicKey])).toBe(false);
  });

  it('passes a chain that holds every checkpointed row, and says how far they vouch', () => {
    const check = new CheckpointCheck([signCheckpoint(head(2), at, privateKey), signCheckpoint(head(4), at, privateKey)], [publicKey]);
    expect(check.signatures()).toBeUndefined();
    for (const [index, row] of rows.entries()) expect(check.row(row, index + 1)).toBeUndefined();
    expect(check.end(5, head(5))).toEqual({ checkpoints: 2, throughSeq: 4 });
  });

  it('names a truncated chain, a rewritten row, a forged checkpoint and two signed heads that disagree', () => {
    const check = new CheckpointCheck([signCheckpoint(head(4), at, privateKey)], [publicKey]);
    expect(check.end(3, head(3))).toMatchObject({ ok: false, seq: 4, problem: 'truncated' });
    const rewritten = rows[3];
    if (!rewritten) throw new Error('no row 4');
    expect(check.row({ ...rewritten, hash: 'f'.repeat(64) }, 4)).toMatchObject({ ok: false, seq: 4, problem: 'rewritten' });
    const stranger = generateKeyPairSync('ed25519').privateKey;
    expect(new CheckpointCheck([signCheckpoint(head(4), at, stranger)], [publicKey]).signatures()).toMatchObject({ problem: 'bad-checkpoint', seq: 4 });
    const fork = signCheckpoint({ seq: 4, hash: 'e'.repeat(64) }, at, privateKey);
    expect(new CheckpointCheck([signCheckpoint(head(4), at, privateKey), fork], [publicKey]).signatures()).toMatchObject({ problem: 'rewritten', seq: 4 });
  });
});

import { createHash } from 'node:crypto';
import { PUBLISHED_DRAW_FORMAT_V1, PUBLISHED_DRAW_FORMAT_V2, type PublishedDraw } from '@kiosk/protocols';
import { commitmentOf, drawSeedOf, runDraw } from '../domain/lottery/draw';
import { rerunDraw } from './rerun-draw';

const seed = createHash('sha256').update('rerun').digest('hex');
const slots = ['0900', '1100'].map((t) => ({
  slotId: `toyonaka-nobata-tennis-c1@2027-01-09T${t}`,
  unitId: 'toyonaka-nobata-tennis-c1',
  date: '2027-01-09',
  start: `${t.slice(0, 2)}:00`,
  end: `${String(Number(t.slice(0, 2)) + 2).padStart(2, '0')}:00`,
  capacity: 1,
}));
const entries = ['1000000001', '1000000002', '1000000003'].map((ref, i) => ({
  ref,
  entrant: String(i).repeat(32),
  first: slots[0]?.slotId ?? '',
  second: i === 0 ? null : (slots[1]?.slotId ?? null),
}));
const base = { roundId: 'toyonaka-tennis-2027-01', seed, commitment: commitmentOf(seed), maxWinsPerEntrant: 2, slots, entries };
const document: PublishedDraw = {
  format: PUBLISHED_DRAW_FORMAT_V1,
  roundId: base.roundId,
  municipality: '豊中市',
  facilityType: 'tennis',
  useMonth: '2027-01',
  commitment: base.commitment,
  seed,
  drawnAt: '2026-11-12T00:00:00.000Z',
  rules: { maxWinsPerEntrant: 2 },
  slots,
  entries,
  resultDigest: runDraw(base).digest,
};
const run = (doc: unknown, args = ['--published', 'draw.json']) => rerunDraw(args, () => JSON.stringify(doc));

const witness = { value: '03 11 19 24 37 42', source: 'test', enteredAt: '2026-11-12T00:00:05.000Z' };
const witnessed: PublishedDraw = {
  ...document,
  format: PUBLISHED_DRAW_FORMAT_V2,
  witness,
  drawSeed: drawSeedOf(seed, witness.value),
  resultDigest: runDraw({ ...base, witness: witness.value }).digest,
};

describe('rerun-draw', () => {
  it('re-runs a draw with a witness (v2), and refuses a draw seed that is not SHA-256(seed || witness)', () => {
    const result = run(witnessed);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`witness ${Buffer.from(witness.value).toString('hex')}\ndraw-seed ${drawSeedOf(seed, witness.value)}\n`);
    expect(run({ ...witnessed, drawSeed: seed }).exitCode).toBe(3);
    expect(run({ ...witnessed, witness: { ...witness, value: 'another' }, drawSeed: drawSeedOf(seed, 'another') }).exitCode).toBe(1);
  });

  it('prints the winners and the digest and exits 0 when they match the published digest', () => {
    const result = run(document);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(`${runDraw(base).text}digest ${document.resultDigest}\n`);
    expect(result.stderr).toContain('matches');
  });

  it('exits 1 when the entries were altered after publication', () => {
    const altered = { ...document, entries: document.entries.slice(1) };
    expect(run(altered).exitCode).toBe(1);
  });

  it('exits 3 when the seed does not match its commitment', () => {
    const result = run({ ...document, seed: createHash('sha256').update('other').digest('hex') });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('commitment mismatch');
  });

  it('exits 2 on bad usage, unreadable JSON or a document that is not a draw', () => {
    expect(run(document, []).exitCode).toBe(2);
    expect(rerunDraw(['--published', 'x.json'], () => '{').exitCode).toBe(2);
    const notADraw = run({ ...document, entries: [{ ...entries[0], name: '豊中太郎' }] });
    expect(notADraw.exitCode).toBe(2);
    expect(notADraw.stderr).not.toContain('豊中太郎');
  });
});

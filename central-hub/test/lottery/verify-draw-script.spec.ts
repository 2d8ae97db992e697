/**
 * The standalone re-run script (central-hub/tools/verify-draw.mjs) against the hub's own draw: the
 * citizen's copy of the algorithm, written from DRAW.md with nothing but node:crypto, must print the
 * same text and digest for documents the hub's draw produced, including wins caps with back-to-back,
 * overlapping and nested slots, second choices and slots nobody drew a candidate for, in both formats:
 * v2 (the draw keyed by SHA-256(seed || witness), issue 15 item 8) and v1 (rounds drawn before the
 * witness, still re-runnable); and must refuse a tampered document. Run as a child process, as a
 * citizen runs it.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PUBLISHED_DRAW_FORMAT_V1, PUBLISHED_DRAW_FORMAT_V2, type PublishedDraw } from '@kiosk/protocols';
import { VERIFY_SCRIPT_FILE } from '../../src/controllers/lottery-public.controller';
import { commitmentOf, drawInputOf, drawSeedOf, runDraw } from '../../src/domain/lottery/draw';

const dir = mkdtempSync(path.join(tmpdir(), 'verify-draw-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Deterministic pseudo-random integers for building documents (not the draw's own randomness). */
function numbers(label: string): (n: number) => number {
  let counter = 0;
  return (n) => createHash('sha256').update(`${label}/${counter++}`).digest().readUInt32BE(0) % n;
}

/** Slots of two courts on two days: 2-hour slots, a 4-hour slot that nests 2 of them, and an overlapping one. */
const SPANS: [string, string][] = [['09:00', '11:00'], ['11:00', '13:00'], ['13:00', '15:00'], ['09:00', '13:00'], ['10:00', '12:00'], ['14:00', '15:00']];
function slotsOf(): PublishedDraw['slots'] {
  const slots: PublishedDraw['slots'] = [];
  for (const unitId of ['toyonaka-nobata-tennis-c1', 'toyonaka-nobata-tennis-c2']) {
    for (const date of ['2027-01-09', '2027-01-10']) {
      for (const [start, end] of SPANS) {
        // Slot ids name the start; the 4-hour slot starting with a 2-hour one gets its own id by the minute.
        const minute = end === '13:00' && start === '09:00' ? '01' : '00';
        slots.push({ slotId: `${unitId}@${date}T${start.slice(0, 2)}${minute}`, unitId, date, start, end, capacity: 1 });
      }
    }
  }
  return slots;
}

/** A hub-drawn document: format v2 with `witness`, else v1 (as drawn before witnesses existed). */
function documentFor(label: string, entryCount: number, people: number, maxWins: number | null, witness?: string): PublishedDraw {
  const pick = numbers(label);
  const seed = createHash('sha256').update(`seed/${label}`).digest('hex');
  const all = slotsOf();
  const entries: PublishedDraw['entries'] = [];
  const refs = new Set<string>();
  while (entries.length < entryCount) {
    const ref = `${1 + pick(8)}${String(pick(1_000_000_000)).padStart(9, '0')}`;
    if (refs.has(ref)) continue;
    refs.add(ref);
    const first = all[pick(all.length)]?.slotId ?? '';
    const secondAt = pick(all.length + 3);
    const second = secondAt < all.length && all[secondAt]?.slotId !== first ? (all[secondAt]?.slotId ?? null) : null;
    entries.push({ ref, entrant: createHash('sha256').update(`p${pick(people)}`).digest('hex').slice(0, 32), first, second });
  }
  entries.sort((a, b) => (a.ref < b.ref ? -1 : 1));
  const used = new Set(entries.flatMap((e) => (e.second ? [e.first, e.second] : [e.first])));
  const slots = all.filter((s) => used.has(s.slotId)).sort((a, b) => (a.slotId < b.slotId ? -1 : 1));
  const roundId = 'toyonaka-tennis-2027-01';
  const outcome = runDraw({ roundId, seed, witness, commitment: commitmentOf(seed), maxWinsPerEntrant: maxWins, slots, entries });
  const common = {
    roundId,
    municipality: '豊中市' as const,
    facilityType: 'tennis' as const,
    useMonth: '2027-01',
    commitment: commitmentOf(seed),
    seed,
    drawnAt: '2026-11-12T00:00:00.000Z',
    rules: { maxWinsPerEntrant: maxWins },
    slots,
    entries,
    resultDigest: outcome.digest,
  };
  if (witness === undefined) return { format: PUBLISHED_DRAW_FORMAT_V1, ...common };
  return {
    format: PUBLISHED_DRAW_FORMAT_V2,
    ...common,
    witness: { value: witness, source: 'ロト6 第1950回 本数字 (test)', enteredAt: '2026-11-12T00:00:05.000Z' },
    drawSeed: drawSeedOf(seed, witness),
  };
}

const WITNESS = '03 11 19 24 37 42';

function runScript(document: unknown, ...extra: string[]): { status: number | null; stdout: string; stderr: string } {
  const file = path.join(dir, `${createHash('sha256').update(JSON.stringify(document)).digest('hex').slice(0, 12)}.json`);
  writeFileSync(file, JSON.stringify(document));
  const result = spawnSync(process.execPath, [VERIFY_SCRIPT_FILE, file, ...extra], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('verify-draw.mjs, the standalone re-run', () => {
  const cases: [string, number, number, number | null][] = [
    ['crowded, cap 1', 120, 25, 1],
    ['crowded, cap 2', 150, 20, 2],
    ['few people, many entries each, cap 2', 80, 6, 2],
    ['no cap', 60, 15, null],
    ['sparse', 7, 7, 1],
    ['empty', 0, 1, 2],
  ];

  it.each(cases)('prints the hub draw\'s text and digest byte for byte, with a witness (%s)', (label, entryCount, people, maxWins) => {
    const document = documentFor(label, entryCount, people, maxWins, WITNESS);
    const hub = runDraw(drawInputOf(document));
    const result = runScript(document);
    expect(result.stderr).toContain('result digest matches');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${hub.text}digest ${hub.digest}\n`);
  });

  it.each(cases)('still re-runs a draw of the old format, without a witness (%s)', (label, entryCount, people, maxWins) => {
    const document = documentFor(label, entryCount, people, maxWins);
    expect(document.format).toBe('kiosk-lottery-draw/v1');
    const hub = runDraw(drawInputOf(document));
    const result = runScript(document);
    expect(result.stderr).toContain('result digest matches');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${hub.text}digest ${hub.digest}\n`);
  });

  it('gets another result from another witness, each reproduced by the script', () => {
    const first = documentFor('crowded, cap 2', 150, 20, 2, WITNESS);
    const second = documentFor('crowded, cap 2', 150, 20, 2, '05 08 21 30 33 41');
    // Same seed, same entries: only the witness differs, and so does who won.
    expect(second.seed).toBe(first.seed);
    expect(second.entries).toEqual(first.entries);
    expect(second.resultDigest).not.toBe(first.resultDigest);
    const winners = (document: PublishedDraw) => [...runDraw(drawInputOf(document)).wins.keys()].sort();
    expect(winners(second)).not.toEqual(winners(first));
    for (const document of [first, second]) {
      const result = runScript(document);
      expect(result.status).toBe(0);
      expect(result.stdout).toContain(`witness ${Buffer.from(document.format === 'kiosk-lottery-draw/v2' ? document.witness.value : '').toString('hex')}\n`);
      expect(result.stdout).toContain(`digest ${document.resultDigest}\n`);
    }
    // Another witness put in a document changes the result the script finds: it is an input, not a label.
    const swapped = { ...first, witness: { ...(first.format === 'kiosk-lottery-draw/v2' ? first.witness : { source: '', enteredAt: '' }), value: '05 08 21 30 33 41' } };
    const mismatch = runScript(swapped);
    expect(mismatch.status).toBe(3);
    expect(mismatch.stderr).toContain('DRAW SEED MISMATCH');
    expect(runScript({ ...swapped, drawSeed: drawSeedOf(first.seed, '05 08 21 30 33 41') }).status).toBe(1);
  });

  it('tells a person what became of their entry number', () => {
    const document = documentFor('crowded, cap 2', 150, 20, 2, WITNESS);
    const hub = runDraw(drawInputOf(document));
    const [ref, win] = [...hub.wins.entries()][0] ?? ['', undefined];
    expect(runScript(document, '--entry', ref).stdout).toContain(`entry ${ref} won slot ${win?.slotId}`);
    const loser = document.entries.find((e) => !hub.wins.has(e.ref))?.ref ?? '';
    expect(runScript(document, '--entry', loser).stdout).toMatch(new RegExp(`entry ${loser} lost; alternate no\\. \\d+ for slot `));
    expect(runScript(document, '--entry', '9999999999').stdout).toContain('entry 9999999999 is not in this draw');
  });

  it('refuses a tampered document: a removed entry (1), a changed seed (3), a malformed one (2)', () => {
    const document = documentFor('crowded, cap 1', 120, 25, 1, WITNESS);
    expect(runScript({ ...document, entries: document.entries.slice(1) }).status).toBe(1);
    expect(runScript({ ...document, rules: { maxWinsPerEntrant: null } }).status).toBe(1);
    const otherSeed = createHash('sha256').update('other').digest('hex');
    const mismatch = runScript({ ...document, seed: otherSeed });
    expect(mismatch.status).toBe(3);
    expect(mismatch.stderr).toContain('COMMITMENT MISMATCH');
    expect(runScript({ ...document, format: 'something-else' }).status).toBe(2);
    expect(runScript({ ...document, format: 'kiosk-lottery-draw/v1' }).status).toBe(2);
    expect(runScript({ ...document, witness: { ...('witness' in document ? document.witness : {}), value: '' } }).status).toBe(2);
    expect(runScript({ ...document, entries: [...document.entries, document.entries[0]] }).status).toBe(2);
    expect(spawnSync(process.execPath, [VERIFY_SCRIPT_FILE], { encoding: 'utf8' }).status).toBe(2);
  });

  it('changes nothing when only drawnAt changes: it is not an input of the draw nor of the digest', () => {
    const document = documentFor('sparse', 7, 7, 1);
    expect(runScript({ ...document, drawnAt: '2030-01-01T00:00:00.000Z' }).status).toBe(0);
  });
});

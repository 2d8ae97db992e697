#!/usr/bin/env node
// verify-draw.mjs: re-runs a published facility-lottery draw and checks it, with nothing but Node.js
// (version 18 or later) and this one file. No package, no install, no project code: read it, then run it.
//
//   node verify-draw.mjs draw.json                 a document you downloaded
//   node verify-draw.mjs https://<hub>/api/public/lottery/rounds/<roundId>/draw
//   node verify-draw.mjs draw.json --entry 1234567890    also says what became of that entry number
//
// It checks that SHA-256(seed) is the commitment published before the entry window and, for a draw with
// a witness (format v2), that the draw seed is SHA-256(seed || witness value); re-runs the draw exactly
// as the written specification says (central-hub/src/domain/lottery/DRAW.md, "kiosk-lottery-draw/v2",
// and v1 for rounds drawn before witnesses), prints each slot's winners and alternates and the SHA-256
// of that output, and compares it with the digest the hub published.
// Exit codes: 0 same result; 1 a different result; 2 bad usage or an unreadable or invalid document;
// 3 the seed does not match its commitment, or the draw seed does not match the seed and the witness.

import { createHash, createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';

const FORMAT_V1 = 'kiosk-lottery-draw/v1';
const FORMAT_V2 = 'kiosk-lottery-draw/v2';
const DOMAIN = 'kiosk-lottery/draw/v1';
const TWO_32 = 0x100000000;

class InvalidDocument extends Error {}

const sha256 = (data) => createHash('sha256').update(data).digest();

// v2: the draw's random numbers are keyed by SHA-256(seed (32 bytes) || UTF-8(witness value)) (DRAW.md, "The witness").
const drawSeedOf = (doc) => sha256(Buffer.concat([Buffer.from(doc.seed, 'hex'), Buffer.from(doc.witness.value, 'utf8')])).toString('hex');

// ---- Random numbers: SHA-256 in counter mode (DRAW.md, "Random numbers") ----

function stream(seed, label) {
  const key = sha256(Buffer.concat([Buffer.from(DOMAIN, 'utf8'), Buffer.of(0), seed, Buffer.of(0), Buffer.from(label, 'utf8')]));
  let counter = 0;
  let block = Buffer.alloc(0);
  let offset = 0;
  const nextWord = () => {
    if (offset >= block.length) {
      const index = Buffer.alloc(4);
      index.writeUInt32BE(counter);
      counter += 1;
      block = sha256(Buffer.concat([key, index]));
      offset = 0;
    }
    const word = block.readUInt32BE(offset);
    offset += 4;
    return word;
  };
  return {
    uniform(n) {
      if (n === 1) return 0;
      const limit = TWO_32 - (TWO_32 % n);
      for (;;) {
        const w = nextWord();
        if (w < limit) return w % n;
      }
    },
  };
}

function shuffle(list, random) {
  for (let i = list.length - 1; i >= 1; i--) {
    const j = random.uniform(i + 1);
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
}

// ---- The wins cap: blocks of touching, overlapping or nested slots (DRAW.md, "Wins cap") ----

const minutes = (time) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

function countBlocks(slots) {
  const byUnitDay = new Map();
  for (const slot of slots) {
    const key = `${slot.unitId}\u0000${slot.date}`;
    byUnitDay.set(key, [...(byUnitDay.get(key) ?? []), slot]);
  }
  let blocks = 0;
  for (const list of byUnitDay.values()) {
    list.sort((a, b) => minutes(a.start) - minutes(b.start));
    let blockEnd = -1;
    for (const slot of list) {
      if (minutes(slot.start) > blockEnd) blocks += 1;
      blockEnd = Math.max(blockEnd, minutes(slot.end));
    }
  }
  return blocks;
}

// ---- The document ----

const byString = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
const HEX64 = /^[0-9a-f]{64}$/;

function check(condition, message) {
  if (!condition) throw new InvalidDocument(message);
}

function validate(doc) {
  check(typeof doc === 'object' && doc !== null, 'not a JSON object');
  check(doc.format === FORMAT_V1 || doc.format === FORMAT_V2, `format is neither "${FORMAT_V2}" nor "${FORMAT_V1}"`);
  check(typeof doc.roundId === 'string' && /^[a-z0-9][a-z0-9-]{2,63}$/.test(doc.roundId), 'roundId');
  const hexFields = doc.format === FORMAT_V2 ? ['commitment', 'seed', 'drawSeed', 'resultDigest'] : ['commitment', 'seed', 'resultDigest'];
  for (const field of hexFields) check(typeof doc[field] === 'string' && HEX64.test(doc[field]), `${field}: 64 lowercase hex digits`);
  if (doc.format === FORMAT_V2) {
    const w = doc.witness;
    check(typeof w === 'object' && w !== null && typeof w.value === 'string' && w.value.length > 0, 'witness.value: a non-empty text');
    check(typeof w.source === 'string' && typeof w.enteredAt === 'string', 'witness.source, witness.enteredAt: texts');
  } else {
    check(doc.witness === undefined && doc.drawSeed === undefined, `a "${FORMAT_V1}" document has no witness`);
  }
  const max = doc.rules?.maxWinsPerEntrant;
  check(max === null || (Number.isInteger(max) && max > 0), 'rules.maxWinsPerEntrant: a positive integer or null');
  check(Array.isArray(doc.slots) && Array.isArray(doc.entries), 'slots and entries: arrays');
  const slotIds = new Set();
  for (const s of doc.slots) {
    check(typeof s.slotId === 'string' && !slotIds.has(s.slotId), `slot ${s.slotId}: missing or listed twice`);
    check(Number.isInteger(s.capacity) && s.capacity >= 1, `slot ${s.slotId}: capacity`);
    check(typeof s.unitId === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(s.date), `slot ${s.slotId}: unitId, date`);
    check(/^\d{2}:\d{2}$/.test(s.start) && /^\d{2}:\d{2}$/.test(s.end), `slot ${s.slotId}: start, end`);
    slotIds.add(s.slotId);
  }
  const refs = new Set();
  for (const e of doc.entries) {
    check(typeof e.ref === 'string' && /^[0-9]{10}$/.test(e.ref) && !refs.has(e.ref), `entry ${e.ref}: missing, not 10 digits, or listed twice`);
    check(typeof e.entrant === 'string' && /^[0-9a-f]{32}$/.test(e.entrant), `entry ${e.ref}: entrant`);
    check(slotIds.has(e.first), `entry ${e.ref}: unknown slot ${e.first}`);
    check(e.second === null || (slotIds.has(e.second) && e.second !== e.first), `entry ${e.ref}: second choice`);
    refs.add(e.ref);
  }
  return doc;
}

// ---- The draw (DRAW.md, "Algorithm") and its output (DRAW.md, "Output") ----

function rerun(doc) {
  const seed = Buffer.from(doc.format === FORMAT_V2 ? drawSeedOf(doc) : doc.seed, 'hex');
  const slots = [...doc.slots].sort((a, b) => byString(a.slotId, b.slotId));
  const slotById = new Map(slots.map((s) => [s.slotId, s]));
  const entries = [...doc.entries].sort((a, b) => byString(a.ref, b.ref));
  const max = doc.rules.maxWinsPerEntrant;

  const order = shuffle(slots.map((s) => s.slotId), stream(seed, 'slot-order'));
  const winners = new Map(slots.map((s) => [s.slotId, []]));
  const alternates = new Map(slots.map((s) => [s.slotId, []]));
  const hadCandidates = new Set();
  const won = new Map(); // ref -> { slotId, choice }
  const wonSlots = new Map(); // entrant -> slots won

  // Each slot's candidates by choice, in ascending ref order (entries are already sorted).
  const firstBy = new Map(slots.map((s) => [s.slotId, []]));
  const secondBy = new Map(slots.map((s) => [s.slotId, []]));
  for (const e of entries) {
    firstBy.get(e.first).push(e);
    if (e.second !== null) secondBy.get(e.second).push(e);
  }

  const pass = (choice) => {
    for (const slotId of order) {
      // 2nd choices count only for entries whose 1st choice did not win.
      const candidates = choice === 1 ? [...firstBy.get(slotId)] : secondBy.get(slotId).filter((e) => !won.has(e.ref));
      if (candidates.length === 0) continue;
      hadCandidates.add(slotId);
      const slot = slotById.get(slotId);
      for (const entry of shuffle(candidates, stream(seed, `${choice === 1 ? 'first/' : 'second/'}${slotId}`))) {
        const mine = wonSlots.get(entry.entrant) ?? [];
        const mayWin = max === null || countBlocks([...mine, slot]) <= max;
        if (winners.get(slotId).length < slot.capacity && mayWin) {
          winners.get(slotId).push(entry.ref);
          won.set(entry.ref, { slotId, choice });
          wonSlots.set(entry.entrant, [...mine, slot]);
        } else {
          alternates.get(slotId).push(entry.ref);
        }
      }
    }
  };
  pass(1);
  pass(2);

  const lines = [doc.format, `round ${doc.roundId}`, `commitment ${doc.commitment}`, `seed ${doc.seed}`];
  if (doc.format === FORMAT_V2) lines.push(`witness ${Buffer.from(doc.witness.value, 'utf8').toString('hex')}`, `draw-seed ${drawSeedOf(doc)}`);
  lines.push(`entries ${doc.entries.length}`);
  for (const { slotId, capacity } of slots) {
    if (!hadCandidates.has(slotId)) continue;
    const list = (refs) => refs.join(',') || '-';
    lines.push(`slot ${slotId} capacity ${capacity} winners ${list(winners.get(slotId))} alternates ${list(alternates.get(slotId))}`);
  }
  const text = `${lines.join('\n')}\n`;
  return { text, digest: sha256(Buffer.from(text, 'utf8')).toString('hex'), won, alternates };
}

async function load(source) {
  if (/^https?:\/\//.test(source)) {
    const response = await fetch(source, { headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`${source}: HTTP ${response.status}`);
    return response.text();
  }
  return readFile(source, 'utf8');
}

async function main(args) {
  const at = args.indexOf('--entry');
  const entry = at >= 0 ? args[at + 1] : undefined;
  const rest = at >= 0 ? args.filter((_, i) => i !== at && i !== at + 1) : args;
  if (rest.length !== 1 || (at >= 0 && !/^[0-9]{10}$/.test(entry ?? ''))) {
    process.stderr.write('usage: node verify-draw.mjs <draw.json | https://…/draw> [--entry <10-digit entry number>]\n');
    return 2;
  }
  let doc;
  try {
    doc = validate(JSON.parse(await load(rest[0])));
  } catch (error) {
    process.stderr.write(`cannot use ${rest[0]}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const actual = sha256(Buffer.from(doc.seed, 'hex')).toString('hex');
  if (actual !== doc.commitment) {
    process.stderr.write(`COMMITMENT MISMATCH: SHA-256(seed) = ${actual}, published commitment = ${doc.commitment}\n`);
    return 3;
  }
  if (doc.format === FORMAT_V2 && drawSeedOf(doc) !== doc.drawSeed) {
    process.stderr.write(`DRAW SEED MISMATCH: SHA-256(seed || witness) = ${drawSeedOf(doc)}, published draw seed = ${doc.drawSeed}\n`);
    return 3;
  }
  if (doc.format === FORMAT_V2) process.stderr.write(`witness "${doc.witness.value}" (${doc.witness.source}), entered ${doc.witness.enteredAt}\n`);
  const result = rerun(doc);
  process.stdout.write(`${result.text}digest ${result.digest}\n`);
  if (entry !== undefined) {
    const mine = doc.entries.find((e) => e.ref === entry);
    const win = result.won.get(entry);
    const rank = mine ? [mine.first, mine.second].filter(Boolean).map((s) => [s, result.alternates.get(s).indexOf(entry)]).find(([, i]) => i >= 0) : undefined;
    const verdict = !mine
      ? 'is not in this draw'
      : win
        ? `won slot ${win.slotId} (choice ${win.choice})`
        : `lost${rank ? `; alternate no. ${rank[1] + 1} for slot ${rank[0]}` : ''}`;
    process.stdout.write(`entry ${entry} ${verdict}\n`);
  }
  if (result.digest !== doc.resultDigest) {
    process.stderr.write(`commitment ok; RESULT DIFFERS from the published digest ${doc.resultDigest}\n`);
    return 1;
  }
  process.stderr.write('commitment ok; result digest matches the published one\n');
  return 0;
}

process.exitCode = await main(process.argv.slice(2));

import { randomBytes, verify, X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ApduTimeoutError,
  CardBusyError,
  CardStatusError,
  CardRemovedError,
  JpkiCard,
  NoCardError,
  NotMyNumberCardError,
  PcscCardReader,
  PcscUnavailableError,
  PinIncorrectError,
  PinLockedError,
  ReaderGoneError,
} from '../../src/card';
import { PcscdProcess, VirtualCardStack, VirtualJpkiCard, loadVirtualResidents, type VirtualResidentsFile } from '../../src/virtual';
import { readBinary } from '../../src/card/jpki/commands';
import { CapturingLogger, makeTestCa, nextEvent, pinTraces, settle } from './support';

/**
 * The card stack end to end on the real PC/SC stack: PcscCardReader → its pcsclite host process →
 * pcscd (sandboxed, `pcscd --foreground`) → vpcd → the virtual My Number card. One file, run in order,
 * because every test shares the one pcscd.
 */
jest.setTimeout(30_000);

const READER = 'Virtual PCD 00 00';
const INS_READ_BINARY = 0xb0;
const INS_COMPUTE_SIGNATURE = 0x2a;
/** Every PIN this suite types, right or wrong; none may appear in any log line. */
const PINS_TYPED = new Set<string>();

let dir: string;
let ca: VirtualResidentsFile;
let root: X509Certificate;
let stack: VirtualCardStack;
let driver: PcscCardReader;
const logger = new CapturingLogger();

function pin(digits: string): Buffer {
  PINS_TYPED.add(digits);
  return Buffer.from(digits, 'ascii');
}

function residentPin(id: string): string {
  const resident = ca.residents.find((candidate) => candidate.id === id);
  if (!resident) throw new Error(`no resident ${id}`);
  return resident.pin;
}

async function insert(slot: number, put: () => Promise<unknown>, reader = READER): Promise<void> {
  const inserted = nextEvent(driver, 'card-inserted', (event) => event.reader === reader);
  await put();
  await inserted;
}

async function removeCard(slot = 0, reader = READER): Promise<void> {
  if (!stack.slots[slot]?.inserted) return;
  const removed = nextEvent(driver, 'card-removed', (event) => event.reader === reader);
  await stack.remove(slot);
  await removed;
}

/** Polls `done` until true (a state the test waits for, not a time it assumes). */
async function waitFor(done: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('the awaited state did not come');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const readCertificate = (): Promise<Buffer> => driver.withExclusiveCard((card) => new JpkiCard(card, { logger }).readAuthCertificate());

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kiosk-card-test-'));
  await makeTestCa(path.join(dir, 'test-ca'));
  ca = await loadVirtualResidents(path.join(dir, 'test-ca'));
  root = new X509Certificate(ca.rootCertificate);
  stack = await VirtualCardStack.start({ testCaDir: path.join(dir, 'test-ca'), logger });
  driver = new PcscCardReader({ readerPattern: READER, pcscSocketPath: stack.socketPath, logger, transmitTimeoutMs: 2000 });
  const added = nextEvent(driver, 'reader-added', (event) => event.reader === 'Virtual PCD 00 01'); // vpcd's second slot
  await driver.start();
  await added;
});

afterAll(async () => {
  if (process.env.CARD_TEST_LOGS) process.stdout.write(`${logger.lines.join('\n')}\n`);
  await driver?.stop();
  await stack?.stop();
  expect(stack?.pcscd.running).toBe(false);
  await rm(dir, { recursive: true, force: true });
});

afterEach(async () => {
  if (stack.pcscd.running) await removeCard(0).catch(() => stack.remove(0));
});

test('follows the virtual readers and reports the selected one healthy', () => {
  expect(driver.readers().map((reader) => reader.name)).toEqual(['Virtual PCD 00 00', 'Virtual PCD 00 01']);
  expect(driver.selectedReader()).toMatchObject({ name: READER, cardPresent: false });
  expect(driver.health()).toMatchObject({ kind: 'card-reader', status: 'ok', reasons: [] });
});

test('an operation on an empty reader → NoCardError, without touching PC/SC', async () => {
  await expect(readCertificate()).rejects.toBeInstanceOf(NoCardError);
});

test('pcscd not running → missing / no-service; it starts later → the driver recovers on its own', async () => {
  const workDir = path.join(dir, 'late-pcscd');
  const late = new PcscdProcess({ workDir, logger });
  const waiting = new PcscCardReader({ readerPattern: READER, pcscSocketPath: path.join(workDir, 'run', 'pcscd', 'pcscd.comm'), logger });
  try {
    await waiting.start();
    expect(waiting.health()).toMatchObject({ status: 'missing', reasons: ['no-service'] });
    expect(waiting.health().detail).toContain('0x8010001d'); // SCARD_E_NO_SERVICE
    const up = nextEvent(waiting, 'health', (health) => health.status === 'ok', 15_000);
    await late.start();
    await up;
    expect(waiting.selectedReader()).toMatchObject({ name: READER });
  } finally {
    await waiting.stop();
    await late.stop();
  }
});

test('insert → the user-authentication certificate is read and parses, issued by the test CA', async () => {
  await insert(0, () => stack.insertResident('toyonaka-001'));
  const der = await readCertificate();
  const resident = ca.residents.find((candidate) => candidate.id === 'toyonaka-001')!;
  expect(der).toEqual(resident.certificate);
  const certificate = new X509Certificate(der);
  expect(certificate.subject).toBe('C=JP\nCN=JPKI-TEST-AUTH-1001');
  expect(certificate.issuer).toContain('CN=TEST CA — NOT J-LIS');
  expect(certificate.checkIssued(root)).toBe(true);
  expect(certificate.verify(root.publicKey)).toBe(true);
  const now = Date.now();
  expect(Date.parse(certificate.validFrom)).toBeLessThan(now);
  expect(Date.parse(certificate.validTo)).toBeGreaterThan(now);
  expect(certificate.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
});

test('right PIN → the signature over the challenge verifies with the certificate key', async () => {
  await insert(0, () => stack.insertResident('toyonaka-001'));
  const challenge = randomBytes(32);
  const { certificate, signature } = await driver.withExclusiveCard(async (card) => {
    const jpki = new JpkiCard(card, { logger });
    const der = await jpki.readAuthCertificate();
    await jpki.verifyPin(pin(residentPin('toyonaka-001')));
    return { certificate: der, signature: await jpki.signChallenge(challenge) };
  });
  const publicKey = new X509Certificate(certificate).publicKey;
  expect(verify('sha256', challenge, publicKey, signature)).toBe(true);
  expect(verify('sha256', randomBytes(32), publicKey, signature)).toBe(false);
});

test('wrong PIN → 2 tries left, then 1; the third locks the card and the right PIN is refused after', async () => {
  await insert(0, () => stack.insertResident('toyonaka-002'));
  const attempt = (digits: string): Promise<void> => driver.withExclusiveCard((card) => new JpkiCard(card, { logger }).verifyPin(pin(digits)));
  const triesLeft = (): Promise<number> => driver.withExclusiveCard((card) => new JpkiCard(card, { logger }).pinTriesLeft());
  expect(await triesLeft()).toBe(3);
  await expect(attempt('7391')).rejects.toEqual(new PinIncorrectError(2));
  expect(await triesLeft()).toBe(2);
  await expect(attempt('7392')).rejects.toEqual(new PinIncorrectError(1));
  await expect(attempt('7393')).rejects.toBeInstanceOf(PinLockedError);
  await expect(attempt(residentPin('toyonaka-002'))).rejects.toBeInstanceOf(PinLockedError);
  // Out and back in: the lock is on the card.
  await removeCard();
  await insert(0, () => stack.insertResident('toyonaka-002'));
  await expect(triesLeft()).rejects.toBeInstanceOf(PinLockedError);
  await expect(attempt(residentPin('toyonaka-002'))).rejects.toBeInstanceOf(PinLockedError);
});

test('a verified PIN does not outlive its exclusive session (the card is reset on disconnect)', async () => {
  await insert(0, () => stack.insertResident('toyonaka-003'));
  await driver.withExclusiveCard((card) => new JpkiCard(card, { logger }).verifyPin(pin(residentPin('toyonaka-003'))));
  await expect(driver.withExclusiveCard((card) => new JpkiCard(card, { logger }).signChallenge(randomBytes(32)))).rejects.toMatchObject({
    code: 'pin-not-verified',
  });
});

test('the connection is exclusive: another PC/SC client cannot get in during an operation', async () => {
  await insert(0, () => stack.insertResident('toyonaka-003'));
  const other = new PcscCardReader({ readerPattern: READER, pcscSocketPath: stack.socketPath, logger });
  try {
    await other.start();
    for (let i = 0; i < 50 && !other.selectedReader()?.cardPresent; i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    const intruder = await driver.withExclusiveCard(async (card) => {
      await new JpkiCard(card).selectApplication();
      return settle(other.withExclusiveCard((theirs) => new JpkiCard(theirs).readAuthCertificate()));
    });
    expect(intruder.status).toBe('rejected');
    expect((intruder as PromiseRejectedResult).reason).toBeInstanceOf(CardBusyError);
    // Once we are done, they get their turn.
    expect((await other.withExclusiveCard((theirs) => new JpkiCard(theirs).readAuthCertificate())).length).toBeGreaterThan(500);
  } finally {
    await other.stop();
  }
});

test('card removed in the middle of an operation → CardRemovedError at once, and the next insert works', async () => {
  await insert(0, () => stack.insertResident('toyonaka-003'));
  const stalled = stack.slots[0]!.stallNext(INS_COMPUTE_SIGNATURE);
  const signing = settle(
    driver.withExclusiveCard(async (card) => {
      const jpki = new JpkiCard(card, { logger });
      await jpki.verifyPin(pin(residentPin('toyonaka-003')));
      return jpki.signChallenge(randomBytes(32));
    }),
  );
  await stalled; // the card has the COMPUTE DIGITAL SIGNATURE and does not answer
  await stack.remove(0);
  const outcome = await signing;
  expect(outcome.status).toBe('rejected');
  // CardRemovedError, not the ApduTimeoutError a hung wait would end in: the removal ended it.
  expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(CardRemovedError);
  await insert(0, () => stack.insertResident('toyonaka-003'));
  expect((await readCertificate()).length).toBeGreaterThan(500);
});

test('a card that stops answering → ApduTimeoutError; the driver restarts its PC/SC client and carries on', async () => {
  await insert(0, () => stack.insertResident('toyonaka-001'));
  const stalled = stack.slots[0]!.stallNext(INS_READ_BINARY);
  const unhealthy = nextEvent(driver, 'health', (health) => health.status === 'error');
  const reading = settle(readCertificate());
  await stalled;
  expect(((await reading) as PromiseRejectedResult).reason).toBeInstanceOf(ApduTimeoutError);
  expect(await unhealthy).toMatchObject({ status: 'error', reasons: ['timeout'] });
  // Pulling the hung card frees pcscd's reader; the restarted client sees the next card.
  await stack.remove(0);
  await nextEvent(driver, 'health', (health) => health.status === 'ok');
  await insert(0, () => stack.insertResident('toyonaka-001'));
  expect((await readCertificate()).length).toBeGreaterThan(500);
});

test('a slow card: its answers held until released; the card is seen going in meanwhile and the read then completes', async () => {
  const slot = stack.slots[0]!;
  slot.holdAnswers();
  try {
    // Held before it goes in, as a test sets it before the person's card: the ATR still comes through.
    await insert(0, () => stack.insertResident('toyonaka-001'));
    let settled = false;
    const reading = readCertificate().finally(() => {
      settled = true;
    });
    await waitFor(() => slot.heldAnswers > 0);
    // The first command's answer waits in the slot: the driver is still waiting for it.
    expect({ held: slot.heldAnswers, settled }).toEqual({ held: 1, settled: false });
    slot.releaseAnswers();
    expect(await reading).toEqual(ca.residents.find((resident) => resident.id === 'toyonaka-001')!.certificate);
  } finally {
    slot.releaseAnswers();
  }
});

test('an unreadable card: READ BINARY answered 65 81 until the fault is cleared, the rest of the card works', async () => {
  const slot = stack.slots[0]!;
  slot.failReads();
  try {
    await insert(0, () => stack.insertResident('toyonaka-001'));
    await expect(readCertificate()).rejects.toMatchObject({ constructor: CardStatusError, statusWord: 0x6581 });
    expect(await driver.withExclusiveCard((card) => new JpkiCard(card, { logger }).pinTriesLeft())).toBe(3);
  } finally {
    slot.failReads(null);
  }
  expect((await readCertificate()).length).toBeGreaterThan(500);
});

test('a card without the JPKI application → "not a My Number card"', async () => {
  await insert(0, () => stack.insertForeignCard(0));
  await expect(readCertificate()).rejects.toBeInstanceOf(NotMyNumberCardError);
});

test('a short-APDU card with 61xx chaining and 6Cxx answers works through pcscd too', async () => {
  const resident = ca.residents.find((candidate) => candidate.id === 'toyonaka-001')!;
  const card = new VirtualJpkiCard({
    certificate: resident.certificate,
    privateKey: resident.privateKey,
    pin: resident.pin,
    extendedLength: false,
    responseChunk: 100,
  });
  await insert(0, () => stack.slots[0]!.insert(card));
  const challenge = randomBytes(20);
  const { der, signature, apdus } = await driver.withExclusiveCard(async (session) => {
    const jpki = new JpkiCard(session, { logger });
    const certificate = await jpki.readAuthCertificate();
    // The last 10 bytes of the 2048-byte EF asked with Le 00: the card answers 6C 0A, the transport asks again.
    const before = session.apduCount;
    const tail = await session.transmit(readBinary(2048 - 10, 256));
    expect({ bytes: tail.data.length, sw: tail.sw, apdus: session.apduCount - before }).toEqual({ bytes: 10, sw: 0x9000, apdus: 2 });
    await jpki.verifyPin(pin(resident.pin));
    return { der: certificate, signature: await jpki.signChallenge(challenge), apdus: session.apduCount };
  });
  expect(der).toEqual(resident.certificate);
  expect(verify('sha256', challenge, new X509Certificate(der).publicKey, signature)).toBe(true);
  expect(apdus).toBeGreaterThan(12); // 12 without chaining; 100-byte pieces add GET RESPONSEs
});

test('the reader to use is chosen by name pattern among several', async () => {
  const second = new PcscCardReader({ readerPattern: /PCD 00 01$/, pcscSocketPath: stack.socketPath, logger });
  try {
    const added = nextEvent(second, 'reader-added', (event) => event.selected);
    await second.start();
    expect((await added).reader).toBe('Virtual PCD 00 01');
    await insert(0, () => stack.insertForeignCard(0));
    const inserted = nextEvent(second, 'card-inserted', (event) => event.selected);
    await stack.insertResident('toyonaka-001', 1);
    await inserted;
    const der = await second.withExclusiveCard((card) => new JpkiCard(card).readAuthCertificate());
    expect(new X509Certificate(der).subject).toContain('JPKI-TEST-AUTH-1001');
  } finally {
    await second.stop();
    await stack.remove(1);
  }
});

test('pcscd killed mid-operation → typed error; restarted → the reader is back without a new driver', async () => {
  await insert(0, () => stack.insertResident('toyonaka-001'));
  const stalled = stack.slots[0]!.stallNext(INS_READ_BINARY);
  const reading = settle(readCertificate());
  await stalled;
  const lost = nextEvent(driver, 'health', (health) => health.status === 'missing' && health.reasons.includes('no-service'));
  await stack.pcscd.kill();
  const reason = ((await reading) as PromiseRejectedResult).reason as unknown;
  // The reader's status thread or the context may notice first; either way a typed error, not a timeout.
  expect(reason instanceof PcscUnavailableError || reason instanceof ReaderGoneError).toBe(true);
  expect(await lost).toMatchObject({ status: 'missing', reasons: ['no-service'] });
  expect(driver.readers()).toEqual([]);
  await expect(readCertificate()).rejects.toBeInstanceOf(PcscUnavailableError);

  const back = nextEvent(driver, 'reader-added', (event) => event.reader === READER, 15_000);
  await stack.pcscd.start();
  await back;
  expect(driver.health()).toMatchObject({ status: 'ok' });
  await insert(0, () => stack.insertResident('toyonaka-001'));
  expect((await readCertificate()).length).toBeGreaterThan(500);
});

test('no PIN, right or wrong, appears in any log line (driver, host, emulator, pcscd)', () => {
  expect(PINS_TYPED.size).toBeGreaterThanOrEqual(5);
  expect(logger.lines.some((line) => line.includes('"command":"VERIFY"'))).toBe(true); // debug logging was on
  expect(logger.lines.some((line) => line.includes('pcscd'))).toBe(true);
  const leaks = [...PINS_TYPED].flatMap((digits) => pinTraces(digits).flatMap((trace) => logger.lines.filter((line) => trace.test(line))));
  expect(leaks).toEqual([]);
});

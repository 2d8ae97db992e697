import { createHash, X509Certificate } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadVirtualResidents, VirtualCardStack, type VirtualResident, type VirtualResidentsFile } from '../../src/virtual';
import { CapturingLogger, makeTestCa, pinTraces } from './support';

/**
 * Debian's OpenSC (card-jpki.c, pkcs15-jpki.c) and pcsc-tools against the virtual card in its sandboxed
 * pcscd, the way an operator would point them at the demo's reader: PCSCLITE_CSOCK_NAME = the sandbox's
 * socket. A standard client must bind it as a JPKI card, read its certificates and sign with the
 * user-authentication key. PINs go to the tools on stdin (`--pin -`), never on a command line.
 * Needs `opensc` and `pcsc-tools` (scripts/ensure-system.sh installs them).
 */
jest.setTimeout(60_000);

const READER_INDEX = '0'; // "Virtual PCD 00 00"
const TOOL_TIMEOUT_MS = 20_000;

interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

let dir: string;
let ca: VirtualResidentsFile;
let resident: VirtualResident;
let stack: VirtualCardStack;
const logger = new CapturingLogger();
const toolOutput: string[] = [];

/** Runs one tool against the sandbox's pcscd; `input` goes to its stdin. A tool that hangs is killed. */
function tool(command: string, args: string[], input = ''): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: dir,
      env: { ...process.env, PCSCLITE_CSOCK_NAME: stack.socketPath, OPENSC_DEBUG: '0' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const killer = setTimeout(() => child.kill('SIGKILL'), TOOL_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', (error) => {
      clearTimeout(killer);
      reject(new Error(`${command} could not start (scripts/ensure-system.sh installs opensc and pcsc-tools): ${error.message}`));
    });
    child.once('close', (code) => {
      clearTimeout(killer);
      toolOutput.push(stdout, stderr);
      resolve({ code, stdout, stderr });
    });
    // A tool that exits without reading its stdin (opensc-tool --atr reads none) closes the pipe first:
    // the write then fails with EPIPE, which says nothing the exit code does not (it failed CI once).
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

async function ok(command: string, args: string[], input = ''): Promise<string> {
  const result = await tool(command, args, input);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${String(result.code)}: ${result.stderr.trim()}`);
  return result.stdout;
}

/** pcscd sees the inserted card on its next poll of vpcd; ask until it answers (bounded, no sleep-and-hope). */
async function waitForCard(): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    if ((await tool('opensc-tool', ['--reader', READER_INDEX, '--atr'])).code === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('pcscd never reported the virtual card in reader 0');
}

function triesLeft(listPins: string, label: string): number {
  const block = listPins.split(/\n(?=PIN \[)/).find((entry) => entry.startsWith(`PIN [${label}]`));
  const match = block?.match(/Tries left\s*:\s*(\d+)/);
  if (!match) throw new Error(`no "${label}" in pkcs15-tool --list-pins`);
  return Number(match[1]);
}

/** Signs SHA-256(message) with the user-authentication key (ID 01) through pkcs15-crypt. */
function sign(message: string, pin: string): Promise<ToolResult> {
  return tool(
    'pkcs15-crypt',
    ['--reader', READER_INDEX, '--sign', '--key', '01', '--sha-256', '--pkcs1', '--pin', '-', '--raw', '--input', `${message}.sha256`, '--output', `${message}.sig`],
    `${pin}\n`,
  );
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kiosk-opensc-test-'));
  await makeTestCa(path.join(dir, 'test-ca'));
  ca = await loadVirtualResidents(path.join(dir, 'test-ca'));
  resident = ca.residents.find((candidate) => candidate.id === 'toyonaka-001')!;
  stack = await VirtualCardStack.start({ testCaDir: path.join(dir, 'test-ca'), logger });
  await stack.insertResident(resident.id, 0);
  await waitForCard();
});

afterAll(async () => {
  await stack?.stop();
  expect(stack?.pcscd.running).toBe(false);
  await rm(dir, { recursive: true, force: true });
});

test('pcsc_scan lists both virtual readers; opensc-tool binds the card with its JPKI driver', async () => {
  const readers = await ok('pcsc_scan', ['-r']);
  expect(readers).toContain('Virtual PCD 00 00');
  expect(readers).toContain('Virtual PCD 00 01');
  expect((await ok('opensc-tool', ['--reader', READER_INDEX, '--name'])).trim()).toBe('jpki');
});

test('pkcs15-tool --list-certificates: the four JPKI certificate EFs, the signing one private', async () => {
  const listing = await ok('pkcs15-tool', ['--reader', READER_INDEX, '--list-certificates']);
  const entries = [...listing.matchAll(/X\.509 Certificate \[([^\]]+)\][\s\S]*?Path\s*:\s*(\w+)\s*\n\s*ID\s*:\s*(\w+)/g)].map((m) => [m[1], m[2], m[3]]);
  expect(entries).toEqual([
    ['User Authentication Certificate', '000a', '01'],
    ['Digital Signature Certificate', '0001', '02'],
    ['User Authentication Certificate CA', '000b', '03'],
    ['Digital Signature Certificate CA', '0002', '04'],
  ]);
  expect(listing).toMatch(/\[Digital Signature Certificate\]\s*\n\s*Object Flags\s*:\s*\[0x01\], private/);
  const pins = await ok('pkcs15-tool', ['--reader', READER_INDEX, '--list-pins']);
  expect(triesLeft(pins, 'User Authentication PIN')).toBe(3);
  expect(triesLeft(pins, 'Digital Signature PIN')).toBe(5);
});

test('pkcs15-tool --read-certificate: the resident certificate (01) and its issuer, the test CA (03)', async () => {
  const own = new X509Certificate(await ok('pkcs15-tool', ['--reader', READER_INDEX, '--read-certificate', '01']));
  expect(own.raw).toEqual(resident.certificate);
  const issuer = new X509Certificate(await ok('pkcs15-tool', ['--reader', READER_INDEX, '--read-certificate', '03']));
  expect(issuer.raw).toEqual(ca.rootCertificate);
  expect(own.checkIssued(issuer) && own.verify(issuer.publicKey)).toBe(true);
  // The signing certificate is behind the signing password: OpenSC cannot read it without one.
  expect((await tool('pkcs15-tool', ['--reader', READER_INDEX, '--read-certificate', '02'])).code).not.toBe(0);
});

test('pkcs15-crypt signs with the user-authentication key; openssl verifies it with the certificate read by pkcs15-tool', async () => {
  const message = 'challenge';
  await writeFile(path.join(dir, message), 'kiosk interop challenge (issue 18)\n');
  await writeFile(path.join(dir, `${message}.sha256`), createHash('sha256').update(await readFile(path.join(dir, message))).digest());
  await writeFile(path.join(dir, 'auth.pem'), await ok('pkcs15-tool', ['--reader', READER_INDEX, '--read-certificate', '01']));
  await writeFile(path.join(dir, 'auth.pub.pem'), await ok('openssl', ['x509', '-in', 'auth.pem', '-pubkey', '-noout']));

  const wrongPin = resident.pin === '0000' ? '1111' : '0000';
  expect((await sign(message, wrongPin)).code).not.toBe(0);
  expect(triesLeft(await ok('pkcs15-tool', ['--reader', READER_INDEX, '--list-pins']), 'User Authentication PIN')).toBe(2);

  const signed = await sign(message, resident.pin);
  expect(signed).toMatchObject({ code: 0 });
  expect((await readFile(path.join(dir, `${message}.sig`))).length).toBe(256);
  const verified = await ok('openssl', ['dgst', '-sha256', '-verify', 'auth.pub.pem', '-signature', `${message}.sig`, message]);
  expect(verified.trim()).toBe('Verified OK');
  expect(triesLeft(await ok('pkcs15-tool', ['--reader', READER_INDEX, '--list-pins']), 'User Authentication PIN')).toBe(3);
});

test('no PIN shows up in the tools\' output or in any log line of the virtual card stack', () => {
  const wrongPin = resident.pin === '0000' ? '1111' : '0000';
  const texts = [...toolOutput, ...logger.lines];
  const leaks = [resident.pin, wrongPin].flatMap((digits) => pinTraces(digits).flatMap((trace) => texts.filter((text) => trace.test(text))));
  expect(leaks).toEqual([]);
});

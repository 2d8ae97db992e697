import { spawn } from 'node:child_process';
import path from 'node:path';
import { umockdevRunArgs, writeUmockdevScanner } from '../../src/virtual';
import { makeTempDir } from './support/wait';

jest.setTimeout(30_000);

interface ChildLine {
  devices?: Array<{ vendorId: number; productId: number; serialNumber?: string; product?: string }>;
  health?: { status: string };
  malformed?: string;
  done?: boolean;
  codes?: string[];
  error?: string;
}

/** Runs the scanner child under umockdev-run and collects its JSON lines. */
function runUnderUmockdev(args: string[]): Promise<{ exitCode: number | null; lines: ChildLine[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('umockdev-run', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('exit', (exitCode) => {
      clearTimeout(killer);
      const lines = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as ChildLine);
      resolve({ exitCode, lines, stderr });
    });
  });
}

describe('barcode scanner through real node-hid under umockdev', () => {
  let temp: { dir: string; remove: () => Promise<void> };

  beforeAll(async () => {
    temp = await makeTempDir('umockdev');
  });

  afterAll(async () => {
    await temp.remove();
  });

  it('enumerates the recorded scanner by vendor/product and reads the scanned codes', async () => {
    const codes = ['12345678', 'TOYONAKA-0042', 'Ab3#z'];
    const files = await writeUmockdevScanner(temp.dir, codes);
    const child = path.join(__dirname, 'support/scanner-child.ts');
    const register = path.join(__dirname, 'support/register-ts.cjs');
    const { exitCode, lines, stderr } = await runUnderUmockdev(umockdevRunArgs(files, [process.execPath, '-r', register, child, String(codes.length)]));

    const devices = lines.find((line) => line.devices)?.devices ?? [];
    expect(devices).toEqual([expect.objectContaining({ vendorId: 0x05e0, productId: 0x1200, serialNumber: 'VSCAN0001', product: 'Virtual Barcode Scanner' })]);
    const done = lines.find((line) => line.done);
    if (!done) throw new Error(`child did not finish (exit ${exitCode}): ${stderr.slice(-500)} ${JSON.stringify(lines)}`);
    expect(done.codes).toEqual(codes);
    expect(lines.filter((line) => line.malformed)).toEqual([]);
    expect(exitCode).toBe(0);
  });
});

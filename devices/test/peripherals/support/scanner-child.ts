// Runs inside `umockdev-run`: the real node-hid source and the real scanner driver read the recorded
// scanner, and each decoded code is printed as one JSON line for the parent test.
import { HidBarcodeScanner, NodeHidSource } from '../../../src/peripherals';
import { VIRTUAL_SCANNER_ID } from '../../../src/virtual';

const emit = (line: object): void => void process.stdout.write(`${JSON.stringify(line)}\n`);

async function main(): Promise<void> {
  const expected = Number(process.argv[2] ?? '1');
  const source = new NodeHidSource();
  const scanner = new HidBarcodeScanner({ id: 'scanner', identity: VIRTUAL_SCANNER_ID, source, watchMs: 200 });
  const codes: string[] = [];
  let finishing = false;
  const finish = (exitCode: number): void => {
    if (finishing) return;
    finishing = true;
    // The device must be closed before exit: hidapi's read thread otherwise keeps umockdev-run waiting.
    scanner
      .stop()
      .catch((error: unknown) => emit({ error: String(error) }))
      .finally(() => {
        emit({ done: true, codes, health: scanner.health() });
        process.exit(exitCode);
      });
  };
  emit({ devices: await source.list() });
  scanner.onBarcode((code) => {
    codes.push(code);
    if (codes.length >= expected) finish(0);
  });
  scanner.onMalformed((error) => emit({ malformed: error.reason }));
  await scanner.start();
  emit({ health: scanner.health() });
  setTimeout(() => finish(2), 8000).unref();
}

main().catch((error: unknown) => {
  emit({ error: String(error) });
  process.exit(3);
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { ActivityWindow, CashBoxCounter } from './telemetry-activity';

describe('ActivityWindow', () => {
  it('counts what happened within the last hour only', () => {
    const window = new ActivityWindow(3_600_000);
    window.record('cardReads', 0);
    window.record('cardReads', 1_000_000);
    window.record('receiptPrints', 3_000_000);
    window.record('transactions', 3_500_000);
    expect(window.counts(3_600_000)).toEqual({ cardReads: 1, receiptPrints: 1, documentPrints: 0, transactions: 1 });
    expect(window.counts(4_700_000)).toEqual({ cardReads: 0, receiptPrints: 1, documentPrints: 0, transactions: 1 });
    expect(window.counts(10_000_000)).toEqual({ cardReads: 0, receiptPrints: 0, documentPrints: 0, transactions: 0 });
  });

  it('keeps at most its bound of instants per kind', () => {
    const window = new ActivityWindow(3_600_000, 3);
    for (let i = 0; i < 5; i++) window.record('documentPrints', i);
    expect(window.counts(10).documentPrints).toBe(3);
  });
});

describe('CashBoxCounter', () => {
  const logger = pino({ level: 'silent' });
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'cash-box-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('counts coins and yen and remembers them across restarts', () => {
    const file = path.join(dir, 'cash-box.json');
    const counter = new CashBoxCounter(file, logger);
    expect(counter.current()).toEqual({ coins: 0, valueYen: 0 });
    counter.add(100);
    counter.add(500);
    expect(new CashBoxCounter(file, logger).current()).toEqual({ coins: 2, valueYen: 600 });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ coins: 2, valueYen: 600 });
  });

  it('starts from zero on a damaged file instead of failing', () => {
    const file = path.join(dir, 'cash-box.json');
    writeFileSync(file, '{"coins":-1}');
    expect(new CashBoxCounter(file, logger).current()).toEqual({ coins: 0, valueYen: 0 });
  });
});

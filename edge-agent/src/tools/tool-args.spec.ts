import { parseToolArgs, UsageError } from './tool-args';

const root = '/srv/kiosk';

describe('parseToolArgs', () => {
  it('parses stats with an explicit or default data dir', () => {
    expect(parseToolArgs(['stats', '--data-dir', '/tmp/a'], {}, root)).toEqual({ command: 'stats', dataDir: '/tmp/a' });
    expect(parseToolArgs(['stats'], { AGENT_DATA_DIR: '/var/agent' }, root)).toEqual({ command: 'stats', dataDir: '/var/agent' });
    expect(parseToolArgs(['dead'], {}, root)).toEqual({ command: 'dead', dataDir: '/srv/kiosk/data/agent' });
  });

  it('parses enqueue-synthetic with its options in any order', () => {
    expect(parseToolArgs(['enqueue-synthetic', '--count', '300', '--data-dir', '/d'], {}, root)).toEqual({
      command: 'enqueue-synthetic',
      dataDir: '/d',
      count: 300,
      perTransaction: 1,
      kioskId: null,
    });
    expect(
      parseToolArgs(['enqueue-synthetic', '--per-transaction', '1000', '--kiosk-id', 'kiosk-1', '--count', '5', '--data-dir', '/d'], {}, root),
    ).toMatchObject({ count: 5, perTransaction: 1000, kioskId: 'kiosk-1' });
  });

  it.each([
    [[], /no command/],
    [['explode'], /unknown command/],
    [['enqueue-synthetic', '--data-dir', '/d'], /--count is required/],
    [['enqueue-synthetic', '--count', '0'], /positive integer/],
    [['enqueue-synthetic', '--count', '-3'], /needs a value|positive integer/],
    [['enqueue-synthetic', '--count', '2.5'], /positive integer/],
    [['stats', '--verbose', 'yes'], /unknown option/],
    [['stats', '--data-dir'], /needs a value/],
    [['requeue-dead'], /--seq is required/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseToolArgs(argv, {}, root)).toThrow(UsageError);
    expect(() => parseToolArgs(argv, {}, root)).toThrow(message);
  });
});

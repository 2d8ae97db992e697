import type { StatusKind } from './commands';
import {
  decodeRealtimeStatus,
  encodeRealtimeStatus,
  isRealtimeStatusByte,
  statusReasons,
  type FullStatus,
} from './status';
import { FrameParseError } from '../errors';

const healthy: FullStatus = {
  printer: { offline: false, waitingForRecovery: false },
  offline: { coverOpen: false, feedButton: false, paperEndStop: false, errorOccurred: false },
  error: { autocutter: false, unrecoverable: false, autoRecoverable: false },
  paper: { nearEnd: false, paperEnd: false },
};

describe('DLE EOT status bytes', () => {
  it('decodes the documented bits', () => {
    expect(decodeRealtimeStatus(1, 0x12)).toEqual({ kind: 1, offline: false, waitingForRecovery: false });
    expect(decodeRealtimeStatus(1, 0x1a)).toMatchObject({ offline: true });
    expect(decodeRealtimeStatus(2, 0x16)).toMatchObject({ coverOpen: true, paperEndStop: false });
    expect(decodeRealtimeStatus(2, 0x32)).toMatchObject({ coverOpen: false, paperEndStop: true });
    expect(decodeRealtimeStatus(3, 0x1a)).toMatchObject({ autocutter: true });
    expect(decodeRealtimeStatus(4, 0x1e)).toEqual({ kind: 4, nearEnd: true, paperEnd: false });
    expect(decodeRealtimeStatus(4, 0x72)).toEqual({ kind: 4, nearEnd: false, paperEnd: true });
  });

  it('round-trips every status through the simulator encoder', () => {
    for (const kind of [1, 2, 3, 4] as StatusKind[]) {
      for (let byte = 0; byte < 256; byte += 1) {
        if (!isRealtimeStatusByte(byte)) continue;
        const status = decodeRealtimeStatus(kind, byte);
        expect(decodeRealtimeStatus(kind, encodeRealtimeStatus(status))).toEqual(status);
      }
    }
  });

  it('rejects bytes with wrong fixed bits as a typed parse error', () => {
    for (const byte of [0x00, 0x13, 0x92, 0x02, 0x10, 0xff]) {
      expect(() => decodeRealtimeStatus(4, byte)).toThrow(FrameParseError);
    }
  });
});

describe('statusReasons', () => {
  it('maps sensors to health reasons', () => {
    expect(statusReasons(healthy)).toEqual([]);
    expect(statusReasons({ ...healthy, paper: { nearEnd: true, paperEnd: false } })).toEqual(['paper-near-end']);
    expect(
      statusReasons({
        ...healthy,
        printer: { offline: true, waitingForRecovery: false },
        paper: { nearEnd: true, paperEnd: true },
        offline: { ...healthy.offline, paperEndStop: true },
      }),
    ).toEqual(['paper-end']);
    expect(statusReasons({ ...healthy, printer: { offline: true, waitingForRecovery: false }, offline: { ...healthy.offline, coverOpen: true } })).toEqual(['cover-open']);
    expect(statusReasons({ ...healthy, error: { ...healthy.error, autocutter: true } })).toEqual(['jam']);
    expect(statusReasons({ ...healthy, printer: { offline: true, waitingForRecovery: false } })).toEqual(['offline']);
  });
});

import pino from 'pino';
import { ChaosConfigError, chaosHooks, parseChaos } from './chaos';

const logger = pino({ level: 'silent' });

describe('KIOSK_CHAOS (test-only fault injection)', () => {
  it('parses the agent crash mode and ignores other processes\' faults', () => {
    expect(parseChaos('agent-crash-on-ack:2')).toEqual({ kind: 'agent-crash-on-ack', ackNumber: 2 });
    expect(parseChaos(undefined)).toBeNull();
    expect(parseChaos('')).toBeNull();
    expect(parseChaos('hub-crash-after-commit:1')).toBeNull();
    expect(parseChaos('agent-crash-after-enrol')).toEqual({ kind: 'agent-crash-after-enrol' });
    expect(() => parseChaos('agent-crash-on-ack:')).toThrow(ChaosConfigError);
    expect(() => parseChaos('agent-melt')).toThrow(ChaosConfigError);
  });

  it('kills on exactly the N-th successful ack', () => {
    const kills: number[] = [];
    const hooks = chaosHooks({ kind: 'agent-crash-on-ack', ackNumber: 3 }, logger, () => kills.push(Date.now()));
    for (let ack = 1; ack <= 5; ack++) hooks.batchAcked(ack);
    expect(kills).toHaveLength(1);
  });

  it('kills once the hub redeemed the enrolment, only in that mode', () => {
    const kills: string[] = [];
    chaosHooks({ kind: 'agent-crash-after-enrol' }, logger, () => kills.push('enrol')).enrolmentRedeemed();
    chaosHooks({ kind: 'agent-crash-on-ack', ackNumber: 1 }, logger, () => kills.push('ack')).enrolmentRedeemed();
    expect(kills).toEqual(['enrol']);
  });

  it('does nothing when off', () => {
    expect(() => chaosHooks(null, logger, () => {
      throw new Error('must not kill');
    }).batchAcked(1)).not.toThrow();
  });
});

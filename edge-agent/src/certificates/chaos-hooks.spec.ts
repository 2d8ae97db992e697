import pino from 'pino';
import { chaosHooks, parseChaos } from '../chaos';

const logger = pino({ level: 'silent' });

describe('KIOSK_CHAOS certificate faults (test only)', () => {
  it('parses the two certificate crash points', () => {
    expect(parseChaos('agent-crash-after-payment')).toEqual({ kind: 'agent-crash-after-payment' });
    expect(parseChaos('agent-crash-before-print')).toEqual({ kind: 'agent-crash-before-print' });
  });

  it('kills only at its own point', () => {
    const kills: string[] = [];
    const afterPayment = chaosHooks({ kind: 'agent-crash-after-payment' }, logger, () => kills.push('paid'));
    afterPayment.batchAcked(1);
    afterPayment.certificateIssued();
    expect(kills).toEqual([]);
    afterPayment.certificatePaid();
    expect(kills).toEqual(['paid']);
    const beforePrint = chaosHooks({ kind: 'agent-crash-before-print' }, logger, () => kills.push('issued'));
    beforePrint.certificatePaid();
    beforePrint.certificateIssued();
    expect(kills).toEqual(['paid', 'issued']);
    const onAck = chaosHooks({ kind: 'agent-crash-on-ack', ackNumber: 1 }, logger, () => kills.push('ack'));
    onAck.certificatePaid();
    onAck.certificateIssued();
    onAck.batchAcked(1);
    expect(kills).toEqual(['paid', 'issued', 'ack']);
  });

  it('kills at the N-th money step of the process, whatever step it is, and only there', () => {
    expect(parseChaos('agent-crash-at-money-step:3')).toEqual({ kind: 'agent-crash-at-money-step', stepNumber: 3 });
    expect(() => parseChaos('agent-crash-at-money-step:0')).toThrow(/unknown agent fault/);
    const kills: string[] = [];
    const atThird = chaosHooks({ kind: 'agent-crash-at-money-step', stepNumber: 3 }, logger, () => kills.push('third'));
    atThird.certificatePaid();
    atThird.coinCommitted(1);
    atThird.moneyStep('ledger:open');
    atThird.moneyStep('cash.credit');
    expect(kills).toEqual([]);
    atThird.moneyStep('cash.payout');
    expect(kills).toEqual(['third']);
    atThird.moneyStep('ledger:issue');
    expect(kills).toEqual(['third']);
  });
});

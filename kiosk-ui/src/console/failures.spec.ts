import { LinkError } from '../shared/link-errors';
import { InvalidCommandError } from './commands';
import { failureReason } from './failures';
import { RequestRefusedError } from './hub-link';

describe('failureReason', () => {
  it('names the hub’s refusals the console has words for', () => {
    expect(failureReason(new RequestRefusedError('alert.ack', { code: 'conflict', message: 'already resolved' }))).toEqual({ key: 'console.error.conflict' });
    expect(failureReason(new RequestRefusedError('command.send', { code: 'forbidden', message: 'viewer' }))).toEqual({ key: 'console.error.forbidden' });
  });

  it('shows the code of any other refusal', () => {
    expect(failureReason(new RequestRefusedError('x', { code: 'rate_limited', message: 'slow down' }))).toEqual({
      key: 'console.error.other',
      params: { code: 'rate_limited' },
    });
  });

  it('names link failures', () => {
    expect(failureReason(new LinkError('disconnected', 'x'))).toEqual({ key: 'console.error.disconnected' });
    expect(failureReason(new LinkError('timeout', 'x'))).toEqual({ key: 'console.error.timeout' });
    expect(failureReason(new LinkError('malformed', 'x'))).toEqual({ key: 'console.error.malformed' });
  });

  it('reads a command refused before sending as invalid input, anything else as an internal error', () => {
    expect(failureReason(new InvalidCommandError('device.reset', ['deviceId: too short']))).toEqual({ key: 'console.error.invalid_message' });
    expect(failureReason(new Error('boom'))).toEqual({ key: 'console.error.internal' });
  });
});

import { parseChaos, parseConfig } from '../config';
import { silentLogger } from '../../test/support/silent-logger';
import { strictMock } from '../../test/support/strict-mock';
import type { ProcessControl } from '../repositories/process.repository';
import { ChaosService } from './chaos.service';

describe('ChaosService', () => {
  const config = (chaos?: string) => ({ ...parseConfig({}, { repoRoot: '/r' }), chaos: parseChaos(chaos, true) });

  it('kills the process right after the N-th committed batch, and only then', () => {
    const processControl = strictMock<ProcessControl>('ProcessControl');
    processControl.killHard.mockReturnValue(undefined);
    const chaos = new ChaosService(config('hub-crash-after-commit:3'), processControl, silentLogger());
    chaos.afterBatchCommitted();
    chaos.afterBatchCommitted();
    expect(processControl.killHard).not.toHaveBeenCalled();
    chaos.afterBatchCommitted();
    expect(processControl.killHard).toHaveBeenCalledTimes(1);
  });

  it('does nothing without KIOSK_CHAOS (a call to the process would throw here)', () => {
    const chaos = new ChaosService(config(undefined), strictMock<ProcessControl>('ProcessControl'), silentLogger());
    for (let i = 0; i < 10; i++) chaos.afterBatchCommitted();
  });
});

import { CardRemovedError, ReaderGoneError } from '../errors';
import { OperationGuard } from './operation-guard';

describe('OperationGuard', () => {
  it('lets work finish while nothing happens', async () => {
    const guard = new OperationGuard('r');
    await expect(guard.run(Promise.resolve(5))).resolves.toBe(5);
  });

  it('rejects work in flight with the first failure, at once', async () => {
    const guard = new OperationGuard('r');
    const never = new Promise<number>(() => undefined);
    const running = guard.run(never);
    guard.fail(new CardRemovedError('r'));
    guard.fail(new ReaderGoneError('r'));
    await expect(running).rejects.toBeInstanceOf(CardRemovedError);
    await expect(guard.run(Promise.resolve(1))).rejects.toBeInstanceOf(CardRemovedError);
    expect(guard.failed).toBeInstanceOf(CardRemovedError);
  });

  it('reports a failure that arrives within a grace period, or null', async () => {
    const guard = new OperationGuard('r');
    await expect(guard.tripsWithin(10)).resolves.toBeNull();
    setTimeout(() => guard.fail(new CardRemovedError('r')), 5);
    await expect(guard.tripsWithin(1000)).resolves.toBeInstanceOf(CardRemovedError);
  });
});

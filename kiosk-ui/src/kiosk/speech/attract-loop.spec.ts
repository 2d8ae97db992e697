import { ManualTime } from '../../shared/test-time';
import { ATTRACT_REPEAT_MS, ATTRACT_REPEATS, AttractLoop } from './attract-loop';

describe('AttractLoop', () => {
  function setup() {
    const time = new ManualTime();
    let said = 0;
    const loop = new AttractLoop(time, () => (said += 1));
    return { time, loop, said: () => said };
  }

  it('says the attract script again every half minute, a bounded number of times', () => {
    const { time, loop, said } = setup();
    loop.start();
    time.advance(ATTRACT_REPEAT_MS - 1);
    expect(said()).toBe(0);
    time.advance(1);
    expect(said()).toBe(1);
    time.advance(ATTRACT_REPEAT_MS * 100);
    expect(said()).toBe(ATTRACT_REPEATS);
    expect(time.pending).toBe(0);
  });

  it('stops when a service or keypad navigation takes over, and starts over on the next visit', () => {
    const { time, loop, said } = setup();
    loop.start();
    time.advance(ATTRACT_REPEAT_MS * 2);
    loop.stop();
    time.advance(ATTRACT_REPEAT_MS * 5);
    expect(said()).toBe(2);
    expect(time.pending).toBe(0);
    loop.start();
    time.advance(ATTRACT_REPEAT_MS * 100);
    expect(said()).toBe(2 + ATTRACT_REPEATS);
  });
});

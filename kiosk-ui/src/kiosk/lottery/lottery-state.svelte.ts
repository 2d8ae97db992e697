import type { LotteryStore } from './lottery-controller';
import { INITIAL_SCREEN_DATA, type LotteryScreenData } from './lottery-screen-data';

/** The lottery screens' reactive state for one visit (a new one per visit: nothing carries over). */
export class LotteryState implements LotteryStore {
  #data = $state.raw<LotteryScreenData>(INITIAL_SCREEN_DATA);

  get data(): LotteryScreenData {
    return this.#data;
  }

  set(data: LotteryScreenData): void {
    this.#data = data;
  }
}

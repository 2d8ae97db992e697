import { initialModel, reduce, type KioskAction, type KioskEffect, type KioskModel } from './kiosk-model';

/** For specs: feeds actions through the kiosk reducer and collects the model and every effect on the way. */
export function runActions(actions: KioskAction[], from: KioskModel = initialModel()): { model: KioskModel; effects: KioskEffect[] } {
  let model = from;
  const effects: KioskEffect[] = [];
  for (const action of actions) {
    const next = reduce(model, action);
    model = next.model;
    effects.push(...next.effects);
  }
  return { model, effects };
}

import { backChoice, navAction, padStep } from './keypad-keys';

describe('PIN-pad navigation pushed by the agent', () => {
  it('turns navigation on from the attract screen, whatever the first action', () => {
    for (const action of ['start', 'next', 'select'] as const) expect(padStep(action, false, true)).toBe('start');
  });

  it('drops pad actions while navigation is off away from the attract screen: nothing is pressed for someone who did not ask', () => {
    for (const action of ['start', 'previous', 'next', 'select', 'help', 'back'] as const) expect(padStep(action, false, false)).toBeNull();
  });

  it('applies every action once navigation is on; a second start changes nothing', () => {
    for (const action of ['previous', 'next', 'select', 'help', 'back'] as const) {
      expect(padStep(action, true, false)).toBe(action);
      expect(padStep(action, true, true)).toBe(action);
    }
    expect(padStep('start', true, true)).toBeNull();
  });

  it('goes back a step within a flow before cancelling it, and leaves a screen without a way back alone', () => {
    expect(backChoice(['cert-confirm-button', 'cert-back', 'cert-cancel'])).toBe('cert-back');
    expect(backChoice(['type-juminhyo', 'cert-next', 'cert-cancel'])).toBe('cert-cancel');
    expect(backChoice(['lottery-menu-enter', 'back', 'lottery-sign-out'])).toBe('back');
    expect(backChoice(['lottery-facility-1', 'lottery-back', 'lottery-sign-out'])).toBe('lottery-back');
    expect(backChoice(['cert-finish'])).toBeNull();
    expect(backChoice([])).toBeNull();
  });

  it('gives the keyboard the same way back (Escape), on the PIN screen too', () => {
    expect(navAction('Escape', false)).toEqual({ kind: 'back' });
    expect(navAction('Escape', true)).toEqual({ kind: 'back' });
  });
});

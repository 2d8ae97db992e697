import { agentToUiSchemas } from './ui-agent';
import { KeypadNavigationSchema } from './ui-keypad';

describe('keypad navigation pushes', () => {
  it('carry one of the navigation actions and nothing else', () => {
    for (const action of ['start', 'previous', 'next', 'select', 'help', 'back'] as const) {
      expect(KeypadNavigationSchema.parse({ action })).toEqual({ action });
    }
    expect(agentToUiSchemas['keypad.navigate']).toBe(KeypadNavigationSchema);
  });

  it('refuse a raw key, an unknown action and extra fields', () => {
    expect(KeypadNavigationSchema.safeParse({ action: '5' }).success).toBe(false);
    expect(KeypadNavigationSchema.safeParse({ action: 'digit' }).success).toBe(false);
    expect(KeypadNavigationSchema.safeParse({ action: 'next', digit: 6 }).success).toBe(false);
    expect(KeypadNavigationSchema.safeParse({}).success).toBe(false);
  });
});

import type { UiNamespace } from '../server/ui-namespace';
import type { PadRouter } from './pad-router';

/**
 * Keypad navigation's part of `/ui`: each navigation action of the PIN pad is pushed to the kiosk screen
 * (`keypad.navigate`, only what the key does, never the key). Returns the function that detaches it.
 */
export function attachKeypadUi(ui: UiNamespace, keypad: Pick<PadRouter, 'onNavigate'>): () => void {
  return keypad.onNavigate((action) => ui.emit('keypad.navigate', { action }));
}

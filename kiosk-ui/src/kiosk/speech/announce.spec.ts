import type { CertificateViewState } from '@kiosk/protocols';
import { announcement, sessionEnded, type Shown } from './announce';
import { navAction, startsNavigation } from './keypad-keys';

const pin = (digitsEntered: number, triesLeft: number | null = null): CertificateViewState => ({ screen: 'pin', digitsEntered, pinLength: 4, triesLeft, wrongLength: false });
const cert = (state: CertificateViewState | null, language: Shown['language'] = 'en'): Shown => ({ kind: 'certificates', language, state });
const attract: Shown = { kind: 'attract', language: 'ja', navigation: false };

describe('announcement', () => {
  it.each([
    { name: 'a new screen says its guidance', previous: cert({ screen: 'insert-card' }), next: cert(pin(0)), says: /Enter your 4-digit PIN/ },
    { name: 'a PIN key says one digit entered, never which', previous: cert(pin(0)), next: cert(pin(1)), says: /^One digit entered\. 1 of 4\.$/ },
    { name: 'clearing says so', previous: cert(pin(3)), next: cert(pin(0)), says: /^Digits cleared\.$/ },
    { name: 'a wrong PIN says the whole screen again, with the tries left', previous: cert(pin(4)), next: cert(pin(0, 2)), says: /2 tries left/ },
    { name: 'the same screen again says nothing', previous: cert({ screen: 'verifying' }), next: cert({ screen: 'verifying' }), says: null },
    { name: 'another language says it again', previous: cert({ screen: 'verifying' }), next: cert({ screen: 'verifying' }, 'ja'), says: /かくにん/ },
    { name: 'no state yet says nothing', previous: attract, next: cert(null), says: null },
    { name: 'the first attract screen greets', previous: null, next: attract, says: /けっていキー/ },
  ])('$name', ({ previous, next, says }) => {
    const text = announcement(previous, next);
    if (says === null) expect(text).toBeNull();
    else expect(text).toMatch(says);
  });

  it('sees the session end when the kiosk goes home from a service', () => {
    expect(sessionEnded(cert(pin(0)), attract)).toBe(true);
    expect(sessionEnded(attract, { ...attract, language: 'en' })).toBe(false);
    expect(sessionEnded(null, attract)).toBe(false);
  });
});

describe('keypad keys', () => {
  it.each([
    { key: '8', pin: false, action: { kind: 'next' } },
    { key: '6', pin: false, action: { kind: 'next' } },
    { key: 'ArrowUp', pin: false, action: { kind: 'previous' } },
    { key: '5', pin: false, action: { kind: 'select' } },
    { key: 'Enter', pin: false, action: { kind: 'select' } },
    { key: '0', pin: false, action: { kind: 'help' } },
    { key: '0', pin: true, action: { kind: 'pin', key: '0' } },
    { key: 'Enter', pin: true, action: { kind: 'pin', key: 'enter' } },
    { key: 'Backspace', pin: true, action: { kind: 'pin', key: 'clear' } },
    { key: 'ArrowDown', pin: true, action: { kind: 'next' } },
    { key: 'F1', pin: true, action: { kind: 'help' } },
    { key: '+', pin: false, action: { kind: 'louder' } },
    { key: 'a', pin: false, action: null },
  ])('$key (PIN screen: $pin)', ({ key, pin: onPin, action }) => {
    expect(navAction(key, onPin)).toEqual(action);
  });

  it('turns navigation on with Enter or the tactile 5', () => {
    expect(startsNavigation('Enter')).toBe(true);
    expect(startsNavigation('5')).toBe(true);
    expect(startsNavigation('1')).toBe(false);
  });
});

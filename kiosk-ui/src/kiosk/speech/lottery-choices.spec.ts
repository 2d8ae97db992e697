import { LANGUAGES } from '../../shared/i18n/index';
import { lotteryChoiceName, readsOwnText } from './lottery-choices';
import { focusScript } from './speech-script';

const KANJI = /[\u4e00-\u9fff]/;

describe('lottery choices in keypad navigation', () => {
  it('names every fixed lottery button in every language (Japanese in kana, which espeak-ng reads)', () => {
    for (const testid of ['lottery-menu-enter', 'lottery-menu-book', 'lottery-menu-entries', 'lottery-menu-bookings', 'lottery-review-entry', 'lottery-submit-entry', 'lottery-back', 'lottery-sign-out']) {
      for (const language of LANGUAGES) expect(lotteryChoiceName(testid, language, 'shown text')).toMatch(/\S/);
      expect(lotteryChoiceName(testid, 'ja', null)).not.toMatch(KANJI);
    }
    expect(focusScript({ testid: 'lottery-menu-enter', position: 1, total: 6, pressed: false, memberPosition: null }, 'en')).toBe('Enter a lottery. 1 of 6.');
  });

  it('names the page buttons of every paged lottery list (the page reached is said by the screen’s guidance)', () => {
    for (const list of ['facilities', 'weeks', 'slots']) {
      expect(lotteryChoiceName(`lottery-${list}-page-next`, 'ja', '次へ ▶')).toBe('つぎの ページ');
      expect(lotteryChoiceName(`lottery-${list}-page-previous`, 'en', '◀ Previous')).toBe('Previous page');
      expect(readsOwnText(`lottery-${list}-page-next`)).toBe(false);
    }
    for (const language of LANGUAGES) expect(lotteryChoiceName('lottery-slots-page-next', language, null)).toMatch(/\S/);
    expect(focusScript({ testid: 'lottery-facilities-page-next', position: 9, total: 12, pressed: false, memberPosition: null }, 'en')).toBe('Next page. 9 of 12.');
  });

  it('reads a facility, a month, a day and a slot from their public text', () => {
    const slot = 'lottery-slot-toyonaka-gym:court-a@2027-02-13T0900';
    expect(readsOwnText(slot)).toBe(true);
    expect(focusScript({ testid: slot, position: 3, total: 9, pressed: false, memberPosition: null, text: '9:00–11:00, Court A, ¥1,000, Lottery open' }, 'en')).toBe(
      '9:00–11:00, Court A, ¥1,000, Lottery open. 3 of 9.',
    );
    expect(lotteryChoiceName('lottery-facility-toyonaka-gym', 'en', ' Toyonaka Gym ')).toBe('Toyonaka Gym');
    // Without its text it is only a button.
    expect(focusScript({ testid: 'lottery-day-2027-02-13', position: 1, total: 2, pressed: false, memberPosition: null, text: null }, 'en')).toBe('Button. 1 of 2.');
  });

  it('never reads the text of the person’s own entries and bookings (their numbers), nor any other button', () => {
    for (const testid of ['lottery-cancel-1234567890', 'lottery-cancel-booking-1234567890', 'lottery-quote-cancel-1234567890', 'lottery-entry-1234567890']) {
      expect(readsOwnText(testid)).toBe(false);
      expect(lotteryChoiceName(testid, 'en', 'Cancel entry 1234567890')).toBeNull();
      expect(focusScript({ testid, position: 1, total: 1, pressed: false, memberPosition: null, text: 'Cancel entry 1234567890' }, 'en')).toBe('Button. 1 of 1.');
    }
  });
});

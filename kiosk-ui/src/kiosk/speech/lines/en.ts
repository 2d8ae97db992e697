import { LANGUAGE_WORDS } from './language-words';
import type { SpeechLines } from './speech-lines';

const yen = (amount: number): string => `${amount} yen`;
const copies = (count: number): string => (count === 1 ? 'one copy' : `${count} copies`);

export const en: SpeechLines = {
  yen,
  copies,
  certificate: {
    juminhyo: 'Certificate of residence',
    inkan: 'Seal registration certificate',
    koseki: 'Family register certificate',
    'koseki-fuhyo': 'Family register attachment',
    kazei: 'Tax assessment certificate',
  },
  period: '.',
  sentences: (parts) => parts.filter(Boolean).join(' '),
  screens: {
    idle: () => 'Certificates. Checking that the service is available. Please wait.',
    checking: () => 'Certificates. Checking that the service is available. Please wait.',
    unavailable: (state) =>
      `Certificates cannot be issued now. ${state.problems
        .map((problem) => (problem.kind === 'service-closed' ? 'The service is closed at this time.' : problem.kind === 'device' ? 'A device of this kiosk is not ready.' : 'The service cannot be reached.'))
        .join(' ')} Please ask at the counter. Button: Finish.`,
    'insert-card': () => 'Certificates. Place your My Number card on the card reader below the screen. Button: Cancel.',
    'reading-card': () => 'Reading your card. Please do not remove it.',
    'not-a-my-number-card': () => 'This card is not a My Number card. Please take it out. Button: Cancel.',
    'card-trouble': (state) =>
      state.trouble === 'card-removed' ? 'The card was removed too early. Please place it on the reader again. Button: Cancel.' : 'The card could not be read. Please place it again. Button: Cancel.',
    pin: (state) =>
      [
        `Enter your 4-digit PIN on the keypad, then press Enter.`,
        state.digitsEntered > 0 ? `${state.digitsEntered} of ${state.pinLength} digits entered.` : '',
        state.triesLeft !== null ? `The PIN was wrong. ${state.triesLeft} tries left.` : '',
        state.wrongLength ? 'The PIN has 4 digits.' : '',
        'Clear erases the digits. Button: Cancel.',
      ]
        .filter(Boolean)
        .join(' '),
    'card-locked': () => 'The PIN of this card is locked. It can be reset at the municipal office. Please take your card. Button: Finish.',
    verifying: () => 'Checking your card. Please wait.',
    'card-refused': () => 'This card cannot be used for certificates. Please ask at the municipal office. Button: Finish.',
    choose: (state) =>
      `Choose a certificate. ${state.menu
        .filter((item) => item.available)
        .map((item) => `${en.certificate[item.type]}, ${yen(item.unitFeeYen)} a copy.`)
        .join(' ')}${state.refusal !== null ? ` ${en.certificate[state.refusal.certificateType]} cannot be issued for you.` : ''} Then choose the options and the number of copies. Buttons: Next, Cancel.`,
    confirm: (state) => `Please check your order. ${en.certificate[state.quote.certificateType]}, ${copies(state.quote.copies)}, fee ${yen(state.quote.feeYen)}. Buttons: Go to payment, Back.`,
    'remove-card': (state) => (state.quote === null ? 'Please take your card out of the reader.' : 'Please take your card out of the reader. Payment starts when the card is out.'),
    'card-left-behind': () => 'A card was left in the reader. Please take it out, or call staff. Button: Cancel.',
    pay: (state) =>
      `Please insert ${yen(state.quote.feeYen)} in coins. ${yen(state.insertedYen)} inserted, ${yen(Math.max(0, state.quote.feeYen - state.insertedYen))} to go.${state.exactAmountOnly ? ' No change can be given: please insert the exact amount.' : ''} Button: Cancel.`,
    'returning-coins': (state) => `Returning your ${yen(state.amountYen)}. Please wait.`,
    cancelled: (state) => `The procedure was cancelled. ${yen(state.returnedYen)} was returned to the coin return. Please take it. Button: Finish.`,
    'paying-change': (state) => `Paying your change of ${yen(state.changeYen)}. Please wait.`,
    issuing: () => 'Preparing your certificate. Please wait.',
    printing: (state) => (state.stage === 'certificate' ? `Printing ${copies(state.copies)}. This takes about a minute. Please wait.` : 'Printing your receipt. Please wait.'),
    'take-certificate': (state) =>
      [
        `Please take your certificate from the printer tray.`,
        state.changeYen > 0 ? `Take your change of ${yen(state.changeYen)} from the coin return.` : '',
        state.unpaidChangeYen > 0 ? `${yen(state.unpaidChangeYen)} of change is owed: take the printed paper to the municipal office.` : '',
        'Button: I have taken them.',
      ]
        .filter(Boolean)
        .join(' '),
    refunding: (state) => `Sorry, the certificate could not be issued. Returning ${yen(state.amountYen)}. Please wait.`,
    refunded: (state) =>
      `Sorry, the certificate could not be issued. ${yen(state.amountYen)} was returned.${state.voucherYen > 0 ? ` ${yen(state.voucherYen)} is on a printed voucher for the municipal office.` : ''} Please take it. Button: I have taken them.`,
    done: () => 'Thank you.',
    error: () => 'The procedure cannot continue. No money was taken. Please start again. Button: Finish.',
  },
  pinProgress: (digits, length) => (digits === 0 ? 'Digits cleared.' : `One digit entered. ${digits} of ${length}.`),
  attract: (navigation) =>
    navigation
      ? 'Choose a service. Certificates, or facility lottery.'
      : 'Welcome. Choose a service on the screen. For spoken guidance with the keypad, press Enter.',
  keys: 'Keys: 4 or 2 moves back, 6 or 8 moves forward, Enter or 5 chooses, 0 repeats the guidance, Cancel goes back.',
  service: { certificates: 'Certificates', lottery: 'Facility lottery' },
  choice: {
    language: LANGUAGE_WORDS.en,
    cancel: 'Cancel',
    next: 'Next',
    back: 'Back',
    confirm: 'Go to payment',
    finish: 'Finish',
    taken: 'I have taken them',
    continue: 'Continue',
    scopeHousehold: 'Whole household',
    scopeSelected: 'Some members of the household',
    member: (position) => `Household member ${position}`,
    include: 'Include',
    omit: 'Omit',
    kosekiFull: 'Full register',
    kosekiIndividual: 'One person',
    fiscalYear: (year) => `Fiscal year ${year}`,
    fewerCopies: 'One copy fewer',
    moreCopies: 'One copy more',
    pinKey: { clear: 'Clear', enter: 'Enter' },
    digit: 'Digit key',
    other: 'Button',
  },
  position: (index, total) => `${index} of ${total}.`,
  selected: 'Selected.',
};

// TEST ONLY, preloaded with `node --require` into the hub and agent processes of the certificate tests (test/support/certificate-clock.ts):
// shifts this process's clock by KIOSK_TEST_CLOCK_OFFSET_MS so the certificate service is open (06:30-23:00
// JST) whatever time of day the tests run. Every process of a test gets the same offset, so signed
// handshakes and card validity still agree. Never loaded outside tests.
'use strict';
const offset = Number(process.env.KIOSK_TEST_CLOCK_OFFSET_MS || 0);
if (Number.isFinite(offset) && offset !== 0) {
  const RealDate = Date;
  class ShiftedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...args);
    }
    static now() {
      return RealDate.now() + offset;
    }
  }
  globalThis.Date = ShiftedDate;
}

import { LateReplyWindow } from './late-reply-window';

describe('LateReplyWindow', () => {
  it('owes nothing until a question times out', async () => {
    const window = new LateReplyWindow(20);
    expect(window.takeLateReply()).toBe(false);
    await window.whenQuiet();
  });

  it('takes every status byte as late while open, and closes once the line has been quiet', async () => {
    const window = new LateReplyWindow(20);
    window.open();
    expect(window.takeLateReply()).toBe(true);
    expect(window.takeLateReply()).toBe(true);
    await window.whenQuiet();
    expect(window.takeLateReply()).toBe(false);
  });

  it('closes at once on shut (a lost connection owes nothing)', async () => {
    const window = new LateReplyWindow(60_000);
    window.open();
    const quiet = window.whenQuiet();
    window.shut();
    await quiet;
    expect(window.takeLateReply()).toBe(false);
  });
});

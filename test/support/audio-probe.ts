import type { Page } from 'playwright-core';

/** One audio element the kiosk played, as the page sees it now. */
export interface AudioSeen {
  src: string;
  paused: boolean;
  ended: boolean;
  currentTime: number;
  duration: number;
}

interface ProbedWindow {
  kioskAudioPlayed?: HTMLMediaElement[];
}

/**
 * Notes every audio element the page plays from now on (the kiosk's spoken guidance plays detached
 * `Audio` objects, never in the DOM): `HTMLMediaElement.prototype.play` is wrapped in the page, the
 * elements kept so a test can read whether they are still playing. Installing twice is harmless.
 */
export async function watchAudio(page: Page): Promise<void> {
  await page.evaluate(() => {
    const probed = window as unknown as ProbedWindow;
    if (probed.kioskAudioPlayed) return;
    const played: HTMLMediaElement[] = [];
    probed.kioskAudioPlayed = played;
    const play = HTMLMediaElement.prototype.play;
    HTMLMediaElement.prototype.play = function (this: HTMLMediaElement): Promise<void> {
      played.push(this);
      return play.call(this);
    };
  });
}

/** Every element played since `watchAudio`, oldest first. */
export function audioPlayed(page: Page): Promise<AudioSeen[]> {
  return page.evaluate(() =>
    ((window as unknown as ProbedWindow).kioskAudioPlayed ?? []).map((audio) => ({
      src: audio.currentSrc || audio.src,
      paused: audio.paused,
      ended: audio.ended,
      currentTime: audio.currentTime,
      duration: audio.duration,
    })),
  );
}

/**
 * Waits until one element is audibly under way (not paused, past its start, not ended) and returns its
 * index in `audioPlayed`: the kiosk plays one script at a time.
 */
export async function waitForPlaying(page: Page, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const played = await audioPlayed(page);
    const index = played.findIndex((seen) => !seen.paused && !seen.ended && seen.currentTime > 0);
    if (index >= 0) return index;
    if (Date.now() > deadline) throw new Error(`no audio under way; played: ${JSON.stringify(played)}`);
    await page.waitForTimeout(50);
  }
}

/** Where rendered speech is played (the page's audio element; a test may pass its own). */
export interface AudioOut {
  play(url: string, volume: number): void;
  setVolume(volume: number): void;
  stop(): void;
}

/** One HTMLAudioElement at a time: a new script cuts the one before it. */
export class HtmlAudioOut implements AudioOut {
  #current: HTMLAudioElement | null = null;

  play(url: string, volume: number): void {
    this.stop();
    const audio = new Audio(url);
    audio.volume = volume;
    this.#current = audio;
    // A browser that refuses to play before a touch (no kiosk autoplay flag) still shows everything: nothing to report.
    audio.play().catch(() => undefined);
  }

  setVolume(volume: number): void {
    if (this.#current) this.#current.volume = volume;
  }

  stop(): void {
    this.#current?.pause();
    this.#current = null;
  }
}

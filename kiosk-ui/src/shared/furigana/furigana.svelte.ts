import { RubyReader, type RubyTable } from './ruby';

/**
 * Whether the screen shows furigana, and the readings when it does (issue 17). The kiosk turns it on from
 * its accessibility bar, for the Japanese UI only, and off again when the session ends (display-prefs.ts);
 * the table is fetched the first time it is turned on (a chunk of its own, not part of the kiosk's JS at
 * start). Until the table is there, and everywhere it is off (the console), texts render as plain text.
 */
class Furigana {
  #active = $state(false);
  #reader = $state.raw<RubyReader | null>(null);
  #loading: Promise<void> | null = null;
  #load: (() => Promise<RubyTable>) | null = null;

  /** The reader while furigana is on and its table loaded; null otherwise. */
  get reader(): RubyReader | null {
    return this.#active ? this.#reader : null;
  }

  /** Where the table comes from (the kiosk's main.ts; the console never sets it). */
  setSource(load: () => Promise<RubyTable>): void {
    this.#load = load;
  }

  /** On or off; the first time on fetches the table. A failed fetch leaves plain text and is reported. */
  show(on: boolean, report: (what: string, error: unknown) => void): void {
    this.#active = on;
    const load = this.#load;
    if (!on || this.#reader !== null || this.#loading !== null || load === null) return;
    this.#loading = load().then(
      (table) => {
        this.#reader = new RubyReader(table);
      },
      (error: unknown) => {
        this.#loading = null;
        report('furigana.load', error);
      },
    );
  }
}

export const furigana = new Furigana();

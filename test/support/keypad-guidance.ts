/**
 * What the keypad-navigation browser tests share (issue 17): PIN-pad keys injected at the agent's virtual
 * PIN pad (the device panel's `panel.pinpad.press` sends the HID reports the driver reads, never a DOM key
 * event), what the kiosk then says (the text its speech engine was given, and the WAV the agent's espeak-ng
 * rendered), and every `keypad.navigate` push the agent sends the screens (read on `/ui` as a screen does).
 */
import { io, type Socket } from 'socket.io-client';
import type { Page } from 'playwright-core';
import { agentToUiSchemas, UI_NAMESPACE, type AgentToUiEvents, type KeypadAction, type PanelPinKey, type UiToAgentEvents } from '@kiosk/protocols';
import type { DevicePanelClient } from './certificate-system';
import { waitForAttribute } from './certificate-screens';

export interface Said {
  text: string;
  audioUrl: string;
  sequence: number;
  /** The rendered WAV's length. */
  seconds: number;
}

/** The kiosk page's spoken guidance, read from its (visually hidden) speech element. */
export class SpokenGuidance {
  /** Everything said that a test waited for, for the privacy checks. */
  readonly said: Said[] = [];

  constructor(
    private readonly page: Page,
    private readonly agentUiUrl: string,
  ) {}

  /** How many scripts the kiosk has said so far (repeats included). */
  async sequence(): Promise<number> {
    return Number((await this.page.getByTestId('speech-text').getAttribute('data-sequence')) ?? '0');
  }

  async navigation(): Promise<string | null> {
    return this.page.getByTestId('speech-text').getAttribute('data-navigation');
  }

  /**
   * Waits until the kiosk says something matching `pattern` (after script number `after`, when given) with
   * its audio rendered, then checks that audio: a RIFF/WAVE from the agent whose length fits the script.
   */
  async expectSaid(pattern: RegExp, options: { after?: number; timeoutMs?: number } = {}): Promise<Said> {
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    let last = { text: '', audioUrl: '', sequence: 0 };
    for (;;) {
      last = await this.page.getByTestId('speech-text').evaluate((element) => ({
        text: (element.textContent ?? '').trim(),
        audioUrl: element.getAttribute('data-audio-url') ?? '',
        sequence: Number(element.getAttribute('data-sequence') ?? '0'),
      }));
      if (pattern.test(last.text) && last.audioUrl !== '' && last.sequence > (options.after ?? -1)) break;
      if (Date.now() > deadline) throw new Error(`expected the kiosk to say ${String(pattern)}; last said "${last.text}" (#${last.sequence}, audio: ${last.audioUrl || 'none'})`);
      await this.page.waitForTimeout(50);
    }
    const response = await this.page.request.get(new URL(last.audioUrl, this.agentUiUrl).toString());
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toBe('audio/wav');
    const seconds = wavSeconds(await response.body());
    // Plausible for the script: at least a syllable's worth per few characters, at most a slow reading of it.
    const characters = [...last.text].length;
    expect(seconds).toBeGreaterThan(Math.max(0.4, characters * 0.02));
    expect(seconds).toBeLessThan(2 + characters * 0.3);
    const said = { ...last, seconds };
    this.said.push(said);
    return said;
  }

  /** The test id of the element keypad navigation focused ('' when none). */
  focused(): Promise<string> {
    return this.page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset['testid'] ?? '');
  }
}

/** The duration of a PCM WAV, from its `fmt ` byte rate and its `data` size; throws on anything else. */
export function wavSeconds(wav: Buffer): number {
  if (wav.toString('ascii', 0, 4) !== 'RIFF' || wav.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not a RIFF/WAVE file');
  let byteRate = 0;
  let dataBytes = 0;
  for (let offset = 12; offset + 8 <= wav.length; ) {
    const id = wav.toString('ascii', offset, offset + 4);
    const size = wav.readUInt32LE(offset + 4);
    if (id === 'fmt ') byteRate = wav.readUInt32LE(offset + 16);
    if (id === 'data') dataBytes = Math.min(size, wav.length - offset - 8);
    offset += 8 + size + (size % 2);
  }
  if (byteRate === 0 || dataBytes === 0) throw new Error('a WAV without format or samples');
  return dataBytes / byteRate;
}

/** The hardware PIN pad, pressed through the device panel (the agent's virtual HID PIN pad). */
export class HardwarePad {
  constructor(private readonly panel: DevicePanelClient) {}

  async press(...keys: PanelPinKey[]): Promise<void> {
    for (const key of keys) await this.panel.send('panel.pinpad.press', { key });
  }
}

/** A person at the kiosk with the PIN pad and their ears: moves to a choice hearing each focus, presses and listens. */
export class KeypadUser {
  constructor(
    readonly pad: HardwarePad,
    readonly speech: SpokenGuidance,
  ) {}

  /** Presses 6 until keypad navigation focuses `testid`, each focus spoken; returns what was said for it. */
  async focusOn(testid: string, limit = 80): Promise<string> {
    for (let press = 0; press < limit; press += 1) {
      const said = await this.pressAndHear('6', /\S/);
      if ((await this.speech.focused()) === testid) return said.text;
    }
    throw new Error(`keypad navigation never reached ${testid}`);
  }

  /** Presses `key` and waits for the kiosk to say `pattern` (a script said after the press). */
  async pressAndHear(key: PanelPinKey, pattern: RegExp): Promise<Said> {
    const before = await this.speech.sequence();
    await this.pad.press(key);
    return this.speech.expectSaid(pattern, { after: before });
  }
}

/** Every `keypad.navigate` the agent pushes to its screens, as a second screen on `/ui` hears them. */
export class NavigationPushes {
  readonly actions: KeypadAction[] = [];
  private constructor(private readonly socket: Socket<AgentToUiEvents, UiToAgentEvents>) {}

  static async connect(agentUiUrl: string): Promise<NavigationPushes> {
    const socket: Socket<AgentToUiEvents, UiToAgentEvents> = io(`${agentUiUrl.replace(/\/$/, '')}${UI_NAMESPACE}`, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    const pushes = new NavigationPushes(socket);
    socket.on('keypad.navigate', (raw: unknown) => pushes.actions.push(agentToUiSchemas['keypad.navigate'].parse(raw).action));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return pushes;
  }

  /** Waits until `count` actions were pushed in all. */
  async waitForCount(count: number, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.actions.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} keypad pushes, got ${this.actions.length}: ${this.actions.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  close(): void {
    this.socket.close();
  }
}

/**
 * Back on the attract screen after a session: keypad navigation is off on the screen (and its script says
 * how to turn it on) and in the agent. With navigation off 6 is no navigation key (the agent keeps it as a
 * PIN key, outside any PIN step) and 5 turns navigation on again: the agent's first push is that `start`,
 * not a `next` (navigation left on) nor a `select`.
 */
export async function expectNavigationOffForNextPerson(page: Page, speech: SpokenGuidance, pad: HardwarePad, pushes: NavigationPushes): Promise<void> {
  await page.getByTestId('attract').waitFor({ timeout: 30_000 });
  await waitForAttribute(page, 'speech-text', 'data-navigation', 'false');
  await speech.expectSaid(/けっていキーを おして ください/);
  const pushed = pushes.actions.length;
  const before = await speech.sequence();
  await pad.press('6');
  await pad.press('5');
  await speech.expectSaid(/^キーの つかいかた。/, { after: before });
  await pushes.waitForCount(pushed + 1);
  expect(pushes.actions.slice(pushed)).toEqual(['start']);
  expect(await speech.focused()).toBe('');
  await waitForAttribute(page, 'speech-text', 'data-navigation', 'true');
}

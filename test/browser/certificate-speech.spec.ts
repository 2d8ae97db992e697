/**
 * Issue 17's spoken half, end to end: a person who cannot see the screen gets a residence certificate with
 * the keys alone (the keyboard stands in for the PIN pad's 12 keys). Enter on the attract screen turns
 * keypad navigation on; 6/8 move, each focus is spoken, 5 chooses, the PIN is typed with the digits (each
 * one announced as "one digit entered"). Every step asserts the script the agent was given (what the UI
 * last said) and that the agent rendered it with the real espeak-ng (a RIFF/WAVE of plausible length).
 * After the session: volume back to its default, navigation off; no name, address or PIN in any script,
 * and the speech cache holds only hash-named 0600 WAVs without metadata.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { CertificateTestSystem, DevicePanelClient, type TestResident } from '../support/certificate-system';
import { type CertificateKioskScreen, closeCertificateKiosk, openCertificateKiosk, waitForAttribute, waitForCertificateScreen } from '../support/certificate-screens';
import { residentSecrets, scanTexts } from '../support/privacy-scan';

jest.setTimeout(600_000);

interface Said {
  text: string;
  audioUrl: string;
}

describe('spoken guidance and keypad navigation through the certificate flow', () => {
  const system = new CertificateTestSystem();
  let page: Page;
  let panel: DevicePanelClient;
  let kiosk: CertificateKioskScreen | undefined;
  let resident: TestResident;
  /** Everything the kiosk said in the session, for the privacy check. */
  const said: Said[] = [];
  let sessionCompleted = false;

  beforeAll(async () => {
    kiosk = await openCertificateKiosk(system);
    ({ page, panel } = kiosk);
    resident = system.resident('toyonaka-001');
  });

  afterAll(() => closeCertificateKiosk(system, kiosk));

  /** Waits until the kiosk says something matching `pattern` and its audio is rendered; checks the WAV. */
  async function expectSaid(pattern: RegExp, timeoutMs = 60_000): Promise<Said> {
    const deadline = Date.now() + timeoutMs;
    let last: Said = { text: '', audioUrl: '' };
    for (;;) {
      last = await page.getByTestId('speech-text').evaluate((element) => ({
        text: (element.textContent ?? '').trim(),
        audioUrl: element.getAttribute('data-audio-url') ?? '',
      }));
      if (pattern.test(last.text) && last.audioUrl !== '') break;
      if (Date.now() > deadline) throw new Error(`expected the kiosk to say ${String(pattern)}; last said "${last.text}" (audio: ${last.audioUrl || 'none'})`);
      await page.waitForTimeout(50);
    }
    const response = await page.request.get(new URL(last.audioUrl, system.agentUiUrl).toString());
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toBe('audio/wav');
    const wav = await response.body();
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.toString('ascii', 8, 12)).toBe('WAVE');
    // espeak-ng's 22 050 Hz 16-bit mono: about 44 KB a second; every script is at least half a second.
    expect(wav.length).toBeGreaterThan(20_000);
    said.push(last);
    return last;
  }

  /** Presses a navigation key until the focus is on `testid`, each focus spoken; at most `limit` presses. */
  async function focusOn(testid: string, limit = 30): Promise<void> {
    for (let press = 0; press < limit; press += 1) {
      await page.keyboard.press('6');
      const focused = await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset['testid'] ?? '');
      if (focused === testid) return;
    }
    throw new Error(`keypad navigation never reached ${testid}`);
  }

  it('issues a residence certificate with the keys and the spoken guidance alone', async () => {
    // The attract screen greets and says how to turn keypad guidance on.
    await expectSaid(/けっていキーを おして ください/);
    expect(await page.getByTestId('speech-text').getAttribute('data-navigation')).toBe('false');
    const defaultVolume = await page.getByTestId('speech-volume').getAttribute('data-volume');

    await page.keyboard.press('Enter');
    await expectSaid(/^キーの つかいかた。.*サービスを えらんで ください/);
    await waitForAttribute(page, 'speech-text', 'data-navigation', 'true');
    await page.keyboard.press('+');
    expect(Number(await page.getByTestId('speech-volume').getAttribute('data-volume'))).toBeGreaterThan(Number(defaultVolume));

    await focusOn('tile-certificates');
    await expectSaid(/^しょうめいしょの はっこう。 \d+こ ちゅう \d+ばんめ。$/);
    await page.keyboard.press('5');
    await waitForCertificateScreen(page, 'insert-card', 60_000);
    await expectSaid(/^しょうめいしょの はっこう。 マイナンバーカードを/);

    // The help key says the screen again, then the keys.
    await page.keyboard.press('0');
    await expectSaid(/マイナンバーカードを.*キーの つかいかた/);

    await panel.send('panel.card.insert', { cardId: resident.id });
    await waitForCertificateScreen(page, 'pin', 60_000);
    await expectSaid(/^よんけたの あんしょうばんごうを/);
    for (const [index, digit] of [...resident.pin].entries()) {
      await page.keyboard.press(digit);
      await waitForAttribute(page, 'pin-dots', 'data-count', String(index + 1));
      await expectSaid(new RegExp(`^いっけた にゅうりょく しました。 4けたのうち ${index + 1}けた。$`));
    }
    await page.keyboard.press('Enter');

    await waitForCertificateScreen(page, 'choose', 60_000);
    await expectSaid(/^しょうめいしょの しゅるいを えらんで ください。 じゅうみんひょうの うつし、 いっつう 200えん。/);
    await focusOn('type-juminhyo');
    await expectSaid(/^じゅうみんひょうの うつし。/);
    await page.keyboard.press('5');
    await focusOn('cert-next');
    await expectSaid(/^つぎへ。/);
    await page.keyboard.press('5');

    await waitForCertificateScreen(page, 'confirm');
    await expectSaid(/^ごちゅうもんを おたしかめ ください。 じゅうみんひょうの うつし、 1つう、 てすうりょう 200えん。/);
    await focusOn('cert-confirm-button');
    await expectSaid(/^しはらいへ すすむ。/);
    await page.keyboard.press('5');

    await waitForCertificateScreen(page, 'remove-card');
    await expectSaid(/^カードを よみとりきから おとりください。/);
    await panel.send('panel.card.remove', {});
    await waitForCertificateScreen(page, 'pay', 60_000);
    await expectSaid(/^200えんを こうかで いれて ください。 いれた きんがく 0えん、 のこり 200えん。/);
    await panel.send('panel.coin.insert', { coinYen: 100 });
    await panel.send('panel.coin.insert', { coinYen: 100 });

    await waitForCertificateScreen(page, 'take-certificate', 300_000);
    await expectSaid(/^しょうめいしょを とりだしぐちから おとりください。/);
    await focusOn('cert-finish');
    await expectSaid(/^うけとりました。/);
    await page.keyboard.press('5');

    // Home: the session ended, and with it the person's volume and keypad mode.
    await page.getByTestId('attract').waitFor({ timeout: 30_000 });
    await waitForAttribute(page, 'speech-text', 'data-navigation', 'false');
    expect(await page.getByTestId('speech-volume').getAttribute('data-volume')).toBe(defaultVolume);
    sessionCompleted = true;
  });

  it('never says a name, an address or the PIN, and caches only hash-named private WAVs without metadata', () => {
    if (!sessionCompleted) throw new Error('no session completed: nothing to check');
    const secrets = residentSecrets(resident);
    expect(said.length).toBeGreaterThan(15);
    expect(scanTexts(said.map((entry, index) => ({ source: `script ${index}`, text: entry.text })), secrets)).toEqual([]);

    const cacheDir = path.join(system.agentDataDir, 'speech');
    expect(statSync(cacheDir).mode & 0o777).toBe(0o700);
    const files = readdirSync(cacheDir);
    expect(files.length).toBeGreaterThan(10);
    for (const name of files) {
      expect(name).toMatch(/^[0-9a-f]{64}\.wav$/);
      const file = path.join(cacheDir, name);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const wav = readFileSync(file);
      // Metadata would be a chunk besides the format and the samples (LIST/INFO, id3): there is none.
      expect(chunkIds(wav)).toEqual(['fmt ', 'data']);
    }
    // File names, and the text-bearing parts of the cache (everything but the samples), hold no secret.
    expect(scanTexts([{ source: 'speech cache names', text: files.join('\n') }], secrets)).toEqual([]);
  });
});

/** The RIFF chunk ids of a WAV file, in order. */
function chunkIds(wav: Buffer): string[] {
  const ids: string[] = [];
  let offset = 12;
  while (offset + 8 <= wav.length) {
    ids.push(wav.toString('ascii', offset, offset + 4));
    const size = wav.readUInt32LE(offset + 4);
    offset += 8 + size + (size % 2);
  }
  return ids;
}

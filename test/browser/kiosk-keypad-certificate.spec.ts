/**
 * Issue 17, keypad navigation the Section 508 way, end to end: a person who cannot see the screen gets a
 * residence certificate with the hardware PIN pad alone. Every key is pressed on the agent's virtual HID
 * PIN pad (the device panel sends the reports the pad driver reads; nothing is typed into the page): Enter
 * on the attract screen turns navigation on, 6 moves (each focus spoken), 5 chooses, 0 repeats the
 * guidance, cancel goes back; in the PIN step the digits stay in the agent and the screen says only "one
 * digit entered". Each step asserts the script the speech engine was given and the WAV the agent's real
 * espeak-ng rendered for it. Then the session reset: navigation is off for the next person, on the screen
 * and in the agent.
 */
import type { PanelPinKey } from '@kiosk/protocols';
import type { Page } from 'playwright-core';
import { CertificateTestSystem, type TestResident } from '../support/certificate-system';
import { type CertificateKioskScreen, closeCertificateKiosk, openCertificateKiosk, waitForAttribute, waitForCertificateScreen } from '../support/certificate-screens';
import { expectNavigationOffForNextPerson, HardwarePad, KeypadUser, NavigationPushes, SpokenGuidance } from '../support/keypad-guidance';
import { residentSecrets, scanTexts, containsSecret, pinSecret } from '../support/privacy-scan';

jest.setTimeout(600_000);

describe('keypad navigation with the hardware PIN pad through the certificate flow', () => {
  const system = new CertificateTestSystem();
  let page: Page;
  let kiosk: CertificateKioskScreen | undefined;
  let resident: TestResident;
  let pad: HardwarePad;
  let speech: SpokenGuidance;
  let user: KeypadUser;
  let pushes: NavigationPushes | undefined;
  let sessionCompleted = false;

  beforeAll(async () => {
    kiosk = await openCertificateKiosk(system);
    page = kiosk.page;
    pad = new HardwarePad(kiosk.panel);
    speech = new SpokenGuidance(page, system.agentUiUrl);
    user = new KeypadUser(pad, speech);
    pushes = await NavigationPushes.connect(system.agentUiUrl);
    resident = system.resident('toyonaka-001');
  });

  afterAll(async () => {
    pushes?.close();
    await closeCertificateKiosk(system, kiosk);
  });

  it('issues a residence certificate with the PIN pad and the spoken guidance alone', async () => {
    // The attract screen's script tells a person how to turn keypad guidance on.
    await speech.expectSaid(/けっていキーを おして ください/);
    expect(await speech.navigation()).toBe('false');

    await user.pressAndHear('enter', /^キーの つかいかた。.*とりけしで もどります。.*サービスを えらんで ください/);
    await waitForAttribute(page, 'speech-text', 'data-navigation', 'true');

    await user.focusOn('tile-certificates');
    await speech.expectSaid(/^しょうめいしょの はっこう。 \d+こ ちゅう \d+ばんめ。$/);
    await pad.press('5');
    await waitForCertificateScreen(page, 'insert-card', 60_000);
    await speech.expectSaid(/^しょうめいしょの はっこう。 マイナンバーカードを/);

    // The help key (0) says the screen again, then the keys.
    await user.pressAndHear('0', /マイナンバーカードを.*キーの つかいかた/);

    await kiosk?.panel.send('panel.card.insert', { cardId: resident.id });
    await waitForCertificateScreen(page, 'pin', 60_000);
    await speech.expectSaid(/^よんけたの あんしょうばんごうを/);
    // The PIN stays in the agent: not one of its keys reaches the screen, which hears only the count.
    const pushedBeforePin = pushes?.actions.length ?? 0;
    const focusBeforePin = await speech.focused();
    for (const [index, digit] of [...resident.pin].entries()) {
      await user.pressAndHear(digit as PanelPinKey, new RegExp(`^いっけた にゅうりょく しました。 4けたのうち ${index + 1}けた。$`));
      await waitForAttribute(page, 'pin-dots', 'data-count', String(index + 1));
      expect(await speech.focused()).toBe(focusBeforePin);
    }
    expect(containsSecret(await page.locator('#app').innerHTML(), pinSecret(resident.pin))).toBe(false);
    await pad.press('enter');
    await waitForCertificateScreen(page, 'choose', 60_000);
    expect(pushes?.actions.length).toBe(pushedBeforePin);
    await speech.expectSaid(/^しょうめいしょの しゅるいを えらんで ください。 じゅうみんひょうの うつし、 いっつう 200えん。/);

    await user.focusOn('type-juminhyo');
    await speech.expectSaid(/^じゅうみんひょうの うつし。/);
    await pad.press('5');
    await waitForAttribute(page, 'type-juminhyo', 'aria-pressed', 'true');
    await user.focusOn('cert-next');
    await speech.expectSaid(/^つぎへ。/);
    await pad.press('5');
    await waitForCertificateScreen(page, 'confirm');
    await speech.expectSaid(/^ごちゅうもんを おたしかめ ください。 じゅうみんひょうの うつし、 1つう、 てすうりょう 200えん。/);

    // Cancel goes back a step (the confirm screen's もどる), and the choice is made again.
    await pad.press('cancel');
    await waitForCertificateScreen(page, 'choose');
    await speech.expectSaid(/^しょうめいしょの しゅるいを えらんで ください。/);
    await user.focusOn('type-juminhyo');
    if ((await page.getByTestId('type-juminhyo').getAttribute('aria-pressed')) !== 'true') await pad.press('5');
    await waitForAttribute(page, 'type-juminhyo', 'aria-pressed', 'true');
    await user.focusOn('cert-next');
    await pad.press('5');
    await waitForCertificateScreen(page, 'confirm');
    await speech.expectSaid(/^ごちゅうもんを おたしかめ ください。/);

    await user.focusOn('cert-confirm-button');
    await speech.expectSaid(/^しはらいへ すすむ。/);
    await pad.press('5');

    await waitForCertificateScreen(page, 'remove-card');
    await speech.expectSaid(/^カードを よみとりきから おとりください。/);
    await kiosk?.panel.send('panel.card.remove', {});
    await waitForCertificateScreen(page, 'pay', 60_000);
    await speech.expectSaid(/^200えんを こうかで いれて ください。 いれた きんがく 0えん、 のこり 200えん。/);
    await kiosk?.panel.send('panel.coin.insert', { coinYen: 100 });
    await kiosk?.panel.send('panel.coin.insert', { coinYen: 100 });

    await waitForCertificateScreen(page, 'take-certificate', 300_000).catch(async (error: unknown) => {
      // The flow left the screen once while another session rebuilt the hub: say what the page and the agent saw.
      process.stdout.write(`page: ${await page.locator('body').innerText()}\n`);
      for (const entry of system.agent?.logs.slice(-40) ?? []) process.stdout.write(`agent: ${JSON.stringify(entry)}\n`);
      throw error;
    });
    await speech.expectSaid(/^しょうめいしょを とりだしぐちから おとりください。/);
    await user.focusOn('cert-finish');
    await speech.expectSaid(/^うけとりました。/);
    await pad.press('5');

    await page.getByTestId('attract').waitFor({ timeout: 30_000 });
    sessionCompleted = true;
  });

  it('starts the next session with keypad navigation off, on the screen and in the agent', async () => {
    if (!sessionCompleted) throw new Error('no session completed: nothing to check');
    if (pushes === undefined) throw new Error('not listening to the agent');
    await expectNavigationOffForNextPerson(page, speech, pad, pushes);
  });

  it('never said a name, an address or the PIN', () => {
    if (!sessionCompleted) throw new Error('no session completed: nothing to check');
    const secrets = residentSecrets(resident);
    expect(speech.said.length).toBeGreaterThan(20);
    expect(scanTexts(speech.said.map((entry, index) => ({ source: `script ${index}`, text: entry.text })), secrets)).toEqual([]);
  });
});

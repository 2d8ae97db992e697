/**
 * The console's rollout page `#/rollouts` (issue 19) against the real hub process: a release packed from
 * this checkout with the pack-release tool and a release key made here, uploaded over REST (as the
 * README says); two kiosks scripted on `/agent` (real signed handshakes, the real codec) at one site. The
 * administrator rolls the release out from the page in two stages (1 canary, then all); the page shows
 * the canary offered and the other waiting; the canary comes back on the new version and reports healthy,
 * the page shows the next stage offered; pause and resume from the page; the second kiosk updates and
 * the page shows the rollout completed, every kiosk on the new version. axe finds nothing serious.
 * (The kiosk's own download and switch are the agent's tests: edge-agent/test/agent-update.spec.ts.)
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { EnrolResponseSchema, PROTOCOL_VERSION, UpdateReportAckSchema, type HubCommand, type UpdateReport } from '@kiosk/protocols';
import { signInToConsole } from '../support/console';
import { launchChromium, seriousAccessibilityViolations, smallTouchTargets } from '../support/browser';
import { connectAgentSocket, signedAuth, type AgentSocket } from '../support/kiosk-client';
import { repoRoot } from '../support/processes';
import { TestSystem } from '../support/system';

jest.setTimeout(180_000);

const NEW = '9.1.0';
const OLD = '9.0.0';

/** A kiosk that takes commands and says what it runs; its updates are scripted by the test. */
class ScriptedKiosk {
  readonly offers: HubCommand[] = [];
  private socket: AgentSocket | undefined;
  constructor(
    readonly kioskId: string,
    private readonly privateKey: ReturnType<typeof generateKeyPairSync>['privateKey'],
    private readonly hubUrl: string,
  ) {}

  async connect(agentVersion: string): Promise<void> {
    this.socket?.close();
    const { socket, refusal } = await connectAgentSocket(this.hubUrl, signedAuth(this.kioskId, this.privateKey));
    if (refusal) throw new Error(`handshake refused: ${refusal.code}`);
    socket.on('command', (command, ack) => {
      this.offers.push(command);
      ack({ ok: true, duplicate: false });
    });
    this.socket = socket;
    await socket.timeout(5000).emitWithAck('hello', { protocolVersion: PROTOCOL_VERSION, agentVersion });
  }

  async report(report: UpdateReport): Promise<void> {
    if (!this.socket) throw new Error('not connected');
    expect(UpdateReportAckSchema.parse(await this.socket.timeout(5000).emitWithAck('update.report', report)).ok).toBe(true);
  }

  /** Back on the new version after its switch, healthy. */
  async updated(): Promise<void> {
    await this.report({ version: NEW, state: 'switching' });
    await this.connect(NEW);
    await this.report({ version: NEW, state: 'healthy' });
  }

  close(): void {
    this.socket?.close();
  }
}

describe('console rollout page', () => {
  const system = new TestSystem();
  const keys = mkdtempSync(path.join(tmpdir(), 'console-rollout-keys-'));
  const kiosks: ScriptedKiosk[] = [];
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const tool = path.join(repoRoot, 'central-hub/dist/tools/pack-release.js');
    execFileSync(process.execPath, [tool, 'generate-release-key', '--out', path.join(keys, 'release.pem')]);
    const artefactFile = path.join(keys, 'release.kioskrel');
    execFileSync(process.execPath, [tool, 'pack', '--key', path.join(keys, 'release.pem'), '--version', NEW, '--out', artefactFile]);
    await system.startHub({ HUB_RELEASE_PUBLIC_KEY_FILE: path.join(keys, 'release.pub.pem') });
    const uploaded = await fetch(`${system.hubUrl}/api/releases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${system.adminToken()}`, 'content-type': 'application/octet-stream' },
      body: readFileSync(artefactFile),
    });
    expect(uploaded.status).toBe(201);

    for (let i = 0; i < 2; i += 1) {
      const { publicKey, privateKey } = generateKeyPairSync('ed25519');
      const enrolled = await fetch(`${system.hubUrl}/api/kiosks/enrol`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: await system.createEnrolmentCode(), publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64') }),
      });
      expect(enrolled.status).toBe(201);
      kiosks.push(new ScriptedKiosk(EnrolResponseSchema.parse(await enrolled.json()).kioskId, privateKey, system.hubUrl));
    }
    // The canary is the lowest kiosk id.
    kiosks.sort((a, b) => (a.kioskId < b.kioskId ? -1 : 1));
    for (const kiosk of kiosks) await kiosk.connect(OLD);

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1366, height: 1024 } });
    await signInToConsole(page, system);
    await page.getByTestId('nav-rollouts').click();
  });

  afterAll(async () => {
    for (const kiosk of kiosks) kiosk.close();
    await browser?.close();
    await system.close();
    rmSync(keys, { recursive: true, force: true });
  });

  const kioskState = (kioskId: string) => page.locator(`[data-testid="rollout-kiosk"][data-kiosk="${kioskId}"]`);
  const waitForState = (kioskId: string, state: string) => page.locator(`[data-testid="rollout-kiosk"][data-kiosk="${kioskId}"][data-state="${state}"]`).waitFor();

  it('lists the uploaded release and rolls it out in two stages from the page', async () => {
    const [canary, second] = kiosks;
    if (!canary || !second) throw new Error('two kiosks');
    await page.locator(`[data-testid="release-row"][data-version="${NEW}"]`).waitFor();

    await page.getByTestId('rollout-version').selectOption(NEW);
    await page.getByTestId('rollout-kind').selectOption('site');
    await page.getByTestId('rollout-municipality').fill('豊中市');
    await page.getByTestId('rollout-site').fill('豊島体育館');
    await page.getByTestId('rollout-stages').fill('1, 100%');
    await page.getByTestId('rollout-minutes').fill('0');
    await page.getByTestId('rollout-create').click();

    await page.getByTestId('rollout-detail').waitFor();
    await waitForState(canary.kioskId, 'offered');
    expect(await kioskState(second.kioskId).getAttribute('data-state')).toBe('pending');
    expect(await page.getByTestId('rollout-kiosk').count()).toBe(2);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(await smallTouchTargets(page)).toEqual([]);

    // Pause before the canary is back: it comes back healthy, and the second kiosk still waits.
    await page.getByTestId('rollout-pause').click();
    await page.locator('[data-testid="rollout-state"][data-state="paused"]').waitFor();
    await canary.updated();
    await waitForState(canary.kioskId, 'healthy');
    expect(await kioskState(second.kioskId).getAttribute('data-state')).toBe('pending');
    expect(second.offers).toEqual([]);

    await page.getByTestId('rollout-resume').click();
    await waitForState(second.kioskId, 'offered');
    expect(second.offers.map((offer) => offer.type)).toEqual(['agent.update']);

    await second.updated();
    await page.locator('[data-testid="rollout-state"][data-state="completed"]').waitFor();
    await waitForState(second.kioskId, 'healthy');
    expect(await page.getByTestId('rollout-kiosk-version').allInnerTexts()).toEqual([NEW, NEW]);
    // Nothing to steer once completed.
    expect(await page.getByTestId('rollout-abort').count()).toBe(0);
  });
});

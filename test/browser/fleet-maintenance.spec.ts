/**
 * The kiosk page's maintenance buttons, against the real hub and agent: "Upload logs" is followed to
 * `succeeded` and its lines download from the command history; "Restart agent" asks first (cancel sends
 * nothing), then the agent process exits, its supervisor (the harness) starts it again and the command
 * shows `succeeded`.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { CommandViewSchema } from '@kiosk/protocols';
import { signInToConsole } from '../support/console';
import { launchChromium, seriousAccessibilityViolations, smallTouchTargets } from '../support/browser';
import { waitUntil } from '../support/processes';
import { TestSystem } from '../support/system';

jest.setTimeout(120_000);

describe('maintenance commands from the console', () => {
  const system = new TestSystem();
  let browser: Browser;
  let page: Page;
  let kioskId: string;

  beforeAll(async () => {
    await system.startHub();
    await system.startAgent({}, { supervise: true });
    kioskId = system.identity().kioskId;
    await system.agent?.waitForLog((entry) => entry.msg === 'hub connected');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1024, height: 1366 }, acceptDownloads: true });
    await signInToConsole(page, system);
    await page.goto(`${system.hubUrl}/console/#/kiosks/${kioskId}`);
  });

  afterAll(async () => {
    await browser?.close();
    await system.close();
  });

  async function commandsOnHub(type: string) {
    const response = await fetch(`${system.hubUrl}/api/kiosks/${kioskId}/commands`, { headers: { authorization: `Bearer ${system.adminToken()}` } });
    return CommandViewSchema.array()
      .parse(await response.json())
      .filter((command) => command.type === type);
  }

  function historyRow(type: string) {
    return page.locator(`[data-testid^="command-row-"][data-type="${type}"]`).first();
  }

  it('uploads the last minutes of logs and downloads them from the command history', async () => {
    await page.getByTestId('command-log-minutes').selectOption('5');
    await page.getByTestId('command-logs.upload').click();
    const row = historyRow('logs.upload');
    await row.locator('[data-testid="command-status"][data-status="succeeded"]').waitFor({ timeout: 20_000 });
    expect(await commandsOnHub('logs.upload')).toEqual([expect.objectContaining({ params: { minutes: 5 }, status: 'succeeded', issuedBy: system.demoAdmin?.username })]);

    const [download] = await Promise.all([page.waitForEvent('download'), row.getByTestId('command-download-logs').click()]);
    expect(download.suggestedFilename()).toMatch(/^kiosk-.+-logs-.+\.ndjson$/);
    const lines = readFileSync(await download.path(), 'utf8').trimEnd().split('\n');
    const messages = lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages).toContain('hub connected');
    expect(await smallTouchTargets(page)).toEqual([]);
  });

  it('asks before restarting; cancel sends nothing; confirmed, the agent comes back and the command succeeds', async () => {
    const first = system.agent;
    await page.getByTestId('command-agent.restart').click();
    await page.getByTestId('command-restart-confirm').waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByTestId('command-agent.restart-cancel').click();
    await page.getByTestId('command-agent.restart').waitFor();
    expect(await commandsOnHub('agent.restart')).toEqual([]);

    await page.getByTestId('command-agent.restart').click();
    await page.getByTestId('command-agent.restart-confirm').click();
    expect((await first?.exited)?.code).toBe(75);
    await waitUntil('the agent was started again', () => system.agentProcesses.length === 2);
    await historyRow('agent.restart').locator('[data-testid="command-status"][data-status="succeeded"]').waitFor({ timeout: 30_000 });
    const [restart] = await commandsOnHub('agent.restart');
    expect(restart?.detail).toBe(`agent restarted (now pid ${system.agentProcesses[1]?.pid})`);
  });
});

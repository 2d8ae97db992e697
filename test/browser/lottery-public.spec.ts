/**
 * Issue 18, item 2, in Chromium against the real hub (its built console) and a street terminal: a
 * stranger, never signed in, opens the console's public page "Lottery draws", sees each round's
 * commitment as the public API gives it, and, once the demo clock has moved to the results, downloads
 * the draw document and the standalone script from the page; the script re-runs the downloaded
 * document and finds the published digest. At the terminal, 抽選結果の検証 is one touch from the
 * lottery's sign-in screen, without signing in, in each kiosk language.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PublicRoundListSchema, PublishedDrawSchema, publicRoundsPath } from '@kiosk/protocols';
import { seriousAccessibilityViolations, smallTouchTargets } from '../support/browser';
import { openLotteryTerminal, type LotteryTerminal } from '../support/lottery-terminal';
import { repoRoot } from '../support/processes';
import { TestSystem } from '../support/system';
import { chooseLanguage } from '../support/kiosk-language';

jest.setTimeout(300_000);

const SCRIPT = path.join(repoRoot, 'central-hub/tools/verify-draw.mjs');

describe('the console\'s public lottery page, without signing in', () => {
  const system = new TestSystem();
  let terminal: LotteryTerminal;
  let browser: Browser | undefined;
  let page: Page;

  beforeAll(async () => {
    terminal = await openLotteryTerminal(system);
    browser = terminal.browser;
    page = await browser.newPage({ viewport: { width: 1280, height: 1400 }, acceptDownloads: true });
  });

  afterAll(async () => {
    await browser?.close();
    await system.close();
  });

  const publicRounds = async () => PublicRoundListSchema.parse(await (await fetch(`${system.hubUrl}${publicRoundsPath()}`)).json());

  it('lists every round with its commitment, before any draw, to a visitor who never signed in', async () => {
    await page.goto(`${system.hubUrl}/console/#/public/lottery`);
    await page.getByTestId('public-lottery-rounds').waitFor();
    expect(await page.getByTestId('logout').count()).toBe(0);
    const { rounds } = await publicRounds();
    expect(rounds.length).toBeGreaterThan(0);
    for (const round of rounds.slice(0, 5)) {
      expect(await page.getByTestId(`public-commitment-${round.roundId}`).innerText()).toBe(round.commitment);
    }
    expect(await page.getByTestId('public-rerun-command').innerText()).toContain('node verify-draw.mjs');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(await smallTouchTargets(page)).toEqual([]);
  });

  it('after the draw, offers the document and the script for download; the script re-runs the document', async () => {
    const before = new Map((await publicRounds()).rounds.map((r) => [r.roundId, r.commitment]));
    execFileSync(process.execPath, [path.join(repoRoot, 'central-hub/dist/tools/demo-clock.js'), 'results', '--hub', system.hubUrl, '--data-dir', system.hubDataDir], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    const drawn = (await publicRounds()).rounds.filter((r) => r.draw !== null);
    expect(drawn.length).toBeGreaterThan(0);
    const round = drawn[0];
    if (!round?.draw) throw new Error('no drawn round');
    expect(round.commitment).toBe(before.get(round.roundId));

    await page.reload();
    const link = page.getByTestId(`public-draw-${round.roundId}`);
    await link.waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const file = path.join(system.dir, download.suggestedFilename());
    await download.saveAs(file);
    expect(path.basename(file)).toBe(`${round.roundId}.draw.json`);
    const document = PublishedDrawSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    expect(document.resultDigest).toBe(round.draw.resultDigest);

    const [scriptDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('public-verify-script').click()]);
    const script = path.join(system.dir, 'verify-draw.mjs');
    await scriptDownload.saveAs(script);
    expect(readFileSync(script, 'utf8')).toBe(readFileSync(SCRIPT, 'utf8'));

    const rerun = spawnSync(process.execPath, [script, file], { encoding: 'utf8', cwd: system.dir });
    expect(rerun.stderr).toContain('result digest matches');
    expect(rerun.status).toBe(0);
    expect(rerun.stdout).toContain(`digest ${round.draw.resultDigest}\n`);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  });

  it('explains 抽選結果の検証 at the terminal, from the sign-in screen, in the four languages', async () => {
    const { kiosk } = terminal;
    const headings: string[] = [];
    for (const language of ['ja', 'en', 'zh-Hans', 'ko'] as const) {
      await chooseLanguage(kiosk, language);
      await kiosk.getByTestId('tile-lottery').click();
      await kiosk.getByTestId('lottery-verify-open').click();
      await kiosk.getByTestId('lottery-verify').waitFor();
      headings.push(await kiosk.locator('#lottery-verify-heading').innerText());
      expect(await kiosk.getByTestId('lottery-verify-where').innerText()).toContain('/console/#/public/lottery');
      if (language === 'ja') {
        expect(await seriousAccessibilityViolations(kiosk)).toEqual([]);
        expect(await smallTouchTargets(kiosk)).toEqual([]);
      }
      await kiosk.getByTestId('lottery-verify-back').click();
      await kiosk.getByTestId('lottery-scan-prompt').waitFor();
      await kiosk.getByTestId('back').click();
      await kiosk.getByTestId('attract').waitFor();
    }
    expect(headings).toEqual(['抽選結果の検証', 'Check the lottery draw', '抽签结果的验证', '추첨 결과 검증']);
  });
});

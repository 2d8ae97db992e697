/**
 * Issue 6's end-to-end proof, as a resident at the kiosk would live it, in headless Chromium against the
 * real hub and agent with the virtual devices of `npm start`: the virtual My Number card of a resident
 * with a seal registration, the PIN typed on the on-screen pad (wrong twice first: tries left shown), a
 * residence certificate ×2 (400 yen) paid with one 500-yen coin, 100 yen change from the hopper, the PDF
 * printed to CUPS-PDF with the expected Japanese text and serial, the hub's verify page saying valid.
 * The paper is the PDF in the agent's own output tray (0700, file 0600), taken with the device panel's
 * "take the certificate" button. Then the privacy check: after the session, neither the agent's database,
 * its logs, nor the private CUPS spool and job history hold the PIN, the resident's name or address, and
 * no printed paper of the job is left in the tray or in the system's shared CUPS-PDF spool.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CertificateTestSystem, DevicePanelClient, type TestResident } from '../support/certificate-system';
import { type CertificateKioskScreen, closeCertificateKiosk, expectAccessible, openCertificateKiosk, typeOnPad, waitForAttribute, waitForCertificateScreen, wrongPin } from '../support/certificate-screens';
import { fileText, paperLeft, residentSecrets, scanTexts, type PrintedJob } from '../support/privacy-scan';

jest.setTimeout(600_000);

/** Where printer-driver-cups-pdf puts jobs under the system's configuration; the kiosk must never print there. */
const SHARED_CUPS_PDF_OUT = '/var/spool/cups-pdf/ANONYMOUS';

interface IssuanceRow {
  transaction_id: string;
  serial: string;
  verification_code: string;
  certificate_type: string;
  copies: number;
  fee_yen: number;
}

describe('certificate issuance at the kiosk, end to end', () => {
  const system = new CertificateTestSystem();
  let browser: Browser;
  let page: Page;
  let panel: DevicePanelClient;
  let kiosk: CertificateKioskScreen | undefined;
  let resident: TestResident;
  /** The certificate's print job, for the privacy check. */
  let printedJob: PrintedJob | undefined;
  /** Set once a whole session ran: the privacy check means nothing without one. */
  let sessionCompleted = false;

  beforeAll(async () => {
    kiosk = await openCertificateKiosk(system);
    ({ browser, page, panel } = kiosk);
    resident = system.resident('toyonaka-001');
  });

  afterAll(() => closeCertificateKiosk(system, kiosk));

  it('issues a residence certificate ×2 for a 500-yen coin, pays 100 yen change, prints it, and the hub verifies it', async () => {
    const hopperBefore = hopperYen(panel);
    const documentsBefore = panel.state.documents.map((document) => document.jobId);

    await page.getByTestId('tile-certificates').click();
    await waitForCertificateScreen(page, 'insert-card', 60_000);
    await expectAccessible(page);

    await panel.send('panel.card.insert', { cardId: resident.id });
    await waitForCertificateScreen(page, 'pin', 60_000);
    await expectAccessible(page);

    // Wrong twice: each time the screen says how many tries are left (the card counts them).
    const wrong = wrongPin(resident.pin);
    await typeOnPad(page, wrong);
    await page.getByTestId('pin-key-enter').click();
    await waitForAttribute(page, 'pin-tries-left', 'data-tries-left', '2', 60_000);
    expect(await page.getByTestId('pin-tries-left').innerText()).toContain('あと2回');
    await waitForAttribute(page, 'pin-dots', 'data-count', '0');
    await typeOnPad(page, wrong);
    await page.getByTestId('pin-key-enter').click();
    await waitForAttribute(page, 'pin-tries-left', 'data-tries-left', '1', 60_000);
    expect(await page.getByTestId('pin-tries-left').innerText()).toContain('あと1回');

    // The pad counts what the agent holds; clear really clears it there.
    await typeOnPad(page, resident.pin.slice(0, 2));
    await page.getByTestId('pin-key-clear').click();
    await waitForAttribute(page, 'pin-dots', 'data-count', '0');
    await typeOnPad(page, resident.pin);
    await page.getByTestId('pin-key-enter').click();
    await waitForCertificateScreen(page, 'choose', 60_000);
    await expectAccessible(page);

    // This resident has a seal registration: the seal certificate is offered.
    expect(await page.getByTestId('type-inkan').getAttribute('data-available')).not.toBe('false');
    await page.getByTestId('type-juminhyo').click();
    await page.getByTestId('copies-increase').click();
    expect(await page.getByTestId('copies-value').innerText()).toBe('2通');
    expect(await page.getByTestId('fee-total').innerText()).toContain('400円');
    await expectAccessible(page);
    await page.getByTestId('cert-next').click();

    await waitForCertificateScreen(page, 'confirm');
    expect(await page.getByTestId('confirm-fee').innerText()).toBe('200円 × 2通 = 400円');
    await expectAccessible(page);
    await page.getByTestId('cert-confirm-button').click();

    // Card first: payment starts only once the card is out of the reader.
    await waitForCertificateScreen(page, 'remove-card');
    await expectAccessible(page);
    await panel.send('panel.card.remove', {});
    await waitForCertificateScreen(page, 'pay', 60_000);
    expect(await page.getByTestId('pay-remaining').innerText()).toBe('400円');
    await expectAccessible(page);

    // The screen asking for coins is enough: the acceptor was opened before it was shown.
    await panel.send('panel.coin.insert', { coinYen: 500 });
    // Issuing and printing can take minutes.
    await waitForCertificateScreen(page, 'take-certificate', 300_000);
    expect(await page.getByTestId('reminder-certificate').innerText()).toContain('2通');
    expect(await page.getByTestId('reminder-change').innerText()).toContain('100円');
    await expectAccessible(page);

    // The hopper paid exactly 100 yen back.
    await panel.waitForState('the hopper paid the change', () => hopperBefore - hopperYen(panel) === 100);

    // The hub recorded one issuance for this kiosk: residence certificate, 2 copies, 400 yen.
    const issuance = await latestIssuance(system);
    expect(issuance).toMatchObject({ certificate_type: 'juminhyo', copies: 2, fee_yen: 400 });

    // CUPS printed it: the PDF CUPS-PDF wrote has the Japanese title and the serial, one page per copy.
    const printed = await panel.waitForState('CUPS reported the certificate printed', (state) =>
      state.documents.some((document) => !documentsBefore.includes(document.jobId)),
    );
    const job = printed.documents.find((document) => !documentsBefore.includes(document.jobId));
    if (!job) throw new Error('no new print job');
    expect(job.pages).toBe(2);
    // The exact document CUPS received (kept in its spool until the session's wipe): the Japanese title,
    // the serial and the verification code as text. CUPS-PDF's own output is re-rendered by Ghostscript
    // with the glyphs as outlines, so it is checked for its pages only.
    const spooled = system.cupsFiles().find((file) => path.basename(file) === `d${String(job.jobId).padStart(5, '0')}-001`);
    if (!spooled) throw new Error(`job ${job.jobId}: no spool copy under ${system.peripheralsDir}`);
    const text = fileText(spooled);
    expect(text).toContain('住民票の写し');
    expect(text).toContain(issuance.serial);
    expect(text).toContain(issuance.verification_code);
    // The paper does carry the resident: proof that the privacy scan below would find them in a spool copy.
    expect(text.replace(/\s/g, '')).toContain(resident.nameJa.replace(/\s/g, ''));
    // The paper: the PDF CUPS-PDF wrote into the agent's own tray (completed means it is there), readable
    // by the agent's user only.
    printedJob = { title: issuance.transaction_id, jobId: job.jobId };
    const pdf = printedPdf(system.trayDir, printedJob);
    if (!pdf) throw new Error(`job ${job.jobId}: no PDF in ${system.trayDir}`);
    expect(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' })).toMatch(/Pages:\s+2\n[\s\S]*A4/);
    expect(statSync(system.trayDir).mode & 0o777).toBe(0o700);
    expect(statSync(pdf).mode & 0o777).toBe(0o600);
    expect(paperLeft(SHARED_CUPS_PDF_OUT, printedJob, { shared: true })).toEqual([]);

    // Anyone can check the paper at the hub's verify page.
    const verify = await browser.newPage();
    try {
      await verify.goto(`${system.hubUrl}/verify/${issuance.verification_code}`);
      expect(await verify.locator('body').innerText()).toContain('有効な証明書です');
    } finally {
      await verify.close();
    }

    // The person takes the paper: the device panel's "take the certificate" button removes the file.
    const panelPage = await browser.newPage();
    try {
      await panelPage.goto(`${system.agentUiUrl.replace(/\/$/, '')}/panel/`);
      await panelPage.getByTestId(`panel-document-take-${job.jobId}`).click();
      await panelPage.getByTestId(`panel-document-taken-${job.jobId}`).waitFor({ timeout: 30_000 });
      expect(existsSync(pdf)).toBe(false);
    } finally {
      await panelPage.close();
    }

    // "Taken": the session ends, the kiosk goes home, the agent wipes.
    await page.getByTestId('cert-finish').click();
    await page.getByTestId('attract').waitFor({ timeout: 30_000 });
    await system.agent?.waitForLog((entry) => entry.msg === 'certificate session wiped', 60_000);
    sessionCompleted = true;
  });

  it('leaves no PIN, name or address in the agent database, its logs, or the CUPS spool and job history, and no paper in any tray', async () => {
    if (!sessionCompleted || !printedJob) throw new Error('no certificate session completed: nothing to check');
    const secrets = residentSecrets(resident);
    const agent = system.agent;
    if (!agent) throw new Error('agent not running');
    const sources = [
      ...system.agentDatabaseFiles().map((file) => ({ source: path.basename(file), text: fileText(file) })),
      { source: 'agent log', text: agent.logs.map((entry) => JSON.stringify(entry)).join('\n') },
      { source: 'agent stderr', text: agent.describe() },
      ...system.cupsFiles().map((file) => ({ source: path.relative(system.peripheralsDir, file), text: fileText(file) })),
    ];
    expect(system.agentDatabaseFiles().length).toBeGreaterThan(0);
    expect(agent.logs.length).toBeGreaterThan(0);
    expect(scanTexts(sources, secrets)).toEqual([]);
    // The paper's text is outlines (no text scan finds the name in it): its existence is what counts.
    expect(system.trayDir.startsWith(system.agentDataDir)).toBe(true);
    expect([...paperLeft(system.trayDir, printedJob), ...paperLeft(SHARED_CUPS_PDF_OUT, printedJob, { shared: true })]).toEqual([]);
    // Nor does CUPS remember the job (its metadata: title, user, pages): the wipe purged it from the history.
    const jobId = printedJob.jobId;
    await panel.waitForState('CUPS no longer lists the job', (state) => !state.documents.some((document) => document.jobId === jobId));
  });
});

function hopperYen(panel: DevicePanelClient): number {
  return panel.state.hopper.coins.reduce((sum, entry) => sum + entry.coinYen * entry.count, 0);
}

async function latestIssuance(system: CertificateTestSystem): Promise<IssuanceRow> {
  const row = await system.hubRecords.row<IssuanceRow>(
    'SELECT transaction_id, serial, verification_code, certificate_type, copies, fee_yen FROM certificate_issuances WHERE kiosk_id = ? ORDER BY issued_at DESC LIMIT 1',
    system.identity().kioskId,
  );
  if (!row) throw new Error('the hub recorded no issuance for this kiosk');
  return row;
}

/** The PDF CUPS-PDF wrote for a job in the agent's tray: `<job name>…-job_<id>.pdf`, the job name being the transaction id. */
function printedPdf(trayDir: string, job: PrintedJob): string | undefined {
  if (!existsSync(trayDir)) return undefined;
  const name = readdirSync(trayDir).find((candidate) => candidate.startsWith(job.title) && candidate.endsWith(`-job_${job.jobId}.pdf`));
  return name ? path.join(trayDir, name) : undefined;
}

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CertificateOptions } from '@kiosk/protocols';
import { certificateTitle } from '../../src/domain/certificates/options';
import { PdfCertificateRenderer, type CertificateRenderInput } from '../../src/rendering/certificate-pdf';
import { hanakoDossier } from './support/dossiers';

interface WordBox {
  page: number;
  text: string;
  yMin: number;
  yMax: number;
}

/** Every word of the PDF with its box, from poppler's `pdftotext -bbox` (XHTML, one <word> per word). */
function boundingBoxes(file: string): WordBox[] {
  const html = execFileSync('pdftotext', ['-bbox', file, '-'], { encoding: 'utf8' });
  const words: WordBox[] = [];
  html.split('<page ').slice(1).forEach((page, index) => {
    for (const m of page.matchAll(/<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<\/word>/g)) {
      words.push({ page: index + 1, yMin: Number(m[1]), yMax: Number(m[2]), text: m[3] ?? '' });
    }
  });
  return words;
}

/**
 * Renders real PDFs with pdfkit and Noto Sans CJK and reads them back with poppler (pdftotext, pdfinfo),
 * the way a person (or CUPS) would get them. Set KEEP_CERTIFICATE_PNG=<dir> to keep PNG previews.
 */
describe('certificate PDF', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'certificate-pdf-'));
  const renderer = new PdfCertificateRenderer();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const input = (options: CertificateOptions, copies = 1): CertificateRenderInput => ({
    title: certificateTitle(options),
    options,
    copies,
    dossier: hanakoDossier(),
    municipality: '豊中市',
    mayorTitle: '豊中市長',
    serial: '27203-2026-000042',
    verificationCode: 'K7QM-2XTA-PLRB',
    verifyUrl: 'http://127.0.0.1:7400/verify/K7QM-2XTA-PLRB',
    issuedAt: new Date('2026-11-26T01:05:00Z'),
    kioskId: 'kiosk-abcd1234',
  });

  const write = async (name: string, options: CertificateOptions, copies = 1, with_ = renderer) => {
    const pdf = await with_.render(input(options, copies));
    const file = path.join(dir, `${name}.pdf`);
    writeFileSync(file, pdf);
    return { pdf, file, text: execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }), info: execFileSync('pdfinfo', [file], { encoding: 'utf8' }) };
  };

  const preview = (file: string) => {
    const keep = process.env.KEEP_CERTIFICATE_PNG;
    const out = path.join(keep ?? dir, path.basename(file, '.pdf'));
    execFileSync('pdftoppm', ['-png', '-r', '60', '-singlefile', file, out]);
    expect(readFileSync(`${out}.png`).subarray(1, 4).toString('latin1')).toBe('PNG');
  };

  it('renders a residence certificate: A4, Japanese title, details, serial, verification code, issue time in JST', async () => {
    const { pdf, file, text, info } = await write('juminhyo', { type: 'juminhyo', scope: 'household', includeDomicile: true, includeRelationship: true }, 2);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(info).toMatch(/Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)/);
    expect(info).toMatch(/Pages:\s+2/);
    expect(text).toContain('住民票の写し');
    expect(text).toContain('27203-2026-000042');
    expect(text).toContain('K7QM-2XTA-PLRB');
    expect(text).toContain('豊中 花子');
    expect(text).toContain('大阪府豊中市新千里東町1丁目99番901号');
    expect(text).toContain('本籍');
    expect(text).toContain('令和8年11月26日 10時05分');
    expect(text).toContain('kiosk-abcd1234');
    expect(text).toContain('豊中市長');
    expect(text).toContain('2通のうち1通目');
    expect(text).toContain('この写しは、世帯全員の住民票の原本と相違ないことを証明する。');
    expect(text).not.toContain('見本');
    preview(file);
  });

  it('marks every page of a demo or test hub\'s certificate as a specimen (見本), not an official document (issue 17)', async () => {
    const specimen = new PdfCertificateRenderer(undefined, { specimen: true });
    const { file, text } = await write('juminhyo-specimen', { type: 'juminhyo', scope: 'household', includeDomicile: true, includeRelationship: true }, 2, specimen);
    const pages = text.split('\f').filter((page) => page.trim() !== '');
    expect(pages).toHaveLength(2);
    for (const page of pages) {
      expect(page).toContain('見本');
      expect(page).toContain('公的な証明書ではありません');
    }
    preview(file);
  });

  it('keeps the header ("2通のうち1通目", serial) off the micro-text band (issue 17)', async () => {
    const { file } = await write('juminhyo-layout', { type: 'juminhyo', scope: 'household', includeDomicile: false, includeRelationship: false }, 2);
    const words = boundingBoxes(file).filter((w) => w.page === 1);
    // The top band: the micro-text words (2.2 pt) in the upper part of the page.
    const band = words.filter((w) => /CERTIFICATE|ORIGINAL/.test(w.text) && w.yMax < 200);
    expect(band.length).toBeGreaterThan(0);
    const bandTop = Math.min(...band.map((w) => w.yMin));
    const bandBottom = Math.max(...band.map((w) => w.yMax));
    const header = words.filter((w) => (w.text.includes('2通のうち1通目') || w.text === '27203-2026-000042') && w.yMax < 200);
    expect(header.map((w) => w.text).sort()).toEqual(['27203-2026-000042', '2通のうち1通目']);
    for (const word of header) expect(word.yMin >= bandBottom || word.yMax <= bandTop).toBe(true);
  });

  it('leaves out the domicile and relationship when not chosen, and lists only the selected members', async () => {
    const { text } = await write('juminhyo-selected', { type: 'juminhyo', scope: 'selected', memberIds: ['toyonaka-001'], includeDomicile: false, includeRelationship: false });
    expect(text).toContain('豊中 花子');
    expect(text).not.toContain('豊中 陽菜');
    expect(text).not.toContain('本籍');
    expect(text).not.toContain('続柄');
    expect(text).toContain('世帯の一部');
  });

  it.each([
    ['inkan', { type: 'inkan' }, ['印鑑登録証明書', '印影', '27203-0012345']],
    ['koseki', { type: 'koseki', scope: 'full' }, ['戸籍全部事項証明書', '長女', '大阪府豊中市中桜塚三丁目99番地']],
    ['koseki-individual', { type: 'koseki', scope: 'individual' }, ['戸籍個人事項証明書', '豊中 花子']],
    ['koseki-fuhyo', { type: 'koseki-fuhyo', includeDomicile: true }, ['戸籍の附票の写し', '京都府京都市左京区北白川別当町99番地']],
    ['kazei', { type: 'kazei', fiscalYear: 2026 }, ['課税証明書', '令和8年度', '3,200,000円']],
  ] as [string, CertificateOptions, string[]][])('renders %s', async (name, options, expected) => {
    const { file, text } = await write(name, options);
    for (const s of expected) expect(text).toContain(s);
    expect(text).toContain('K7QM-2XTA-PLRB');
    preview(file);
  });
});

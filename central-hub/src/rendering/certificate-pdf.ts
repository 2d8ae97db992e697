import { readFileSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { create as createQr } from 'qrcode';
import type { CertificateOptions } from '@kiosk/protocols';
import { jstDate } from '../domain/jst';
import { warekiDate, warekiDateTime } from '../domain/certificates/wareki';
import type { ResidentDossier } from '../domain/certificates/resident';
import { buildCertificateContent, type ContentBlock } from './certificate-content';
import { drawSecurityBackground } from './security-pattern';

export interface CertificateRenderInput {
  title: string;
  options: CertificateOptions;
  copies: number;
  dossier: ResidentDossier;
  municipality: string;
  mayorTitle: string;
  serial: string;
  verificationCode: string;
  verifyUrl: string;
  issuedAt: Date;
  kioskId: string;
}

/** Turns an issuance into the printable certificate (application/pdf). */
export interface CertificateRenderer {
  render(input: CertificateRenderInput): Promise<Buffer>;
}
export const CERTIFICATE_RENDERER = 'CertificateRenderer';

/** Debian's fonts-noto-cjk; a collection, so each face is picked by its PostScript name. */
export interface CertificateFonts {
  regular: { file: string; name: string };
  bold: { file: string; name: string };
}
export const NOTO_SANS_CJK: CertificateFonts = {
  regular: { file: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', name: 'NotoSansCJKjp-Regular' },
  bold: { file: '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc', name: 'NotoSansCJKjp-Bold' },
};

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 56;
const INK = '#1a1a1a';
const RULE = '#555555';
const SEAL_RED = '#c8161d';
/**
 * The header line (serial, "2通のうち1通目"): below the top micro-text band (security-pattern.ts, y 44–47)
 * and above the title, so that nothing overprints the band a checker reads with a loupe.
 */
const HEADER_Y = 52;

/** How the renderer marks what it prints. */
export interface CertificateRendererOptions {
  /**
   * A demo or test hub: every page carries a large 見本 (specimen) watermark and says that it is not an
   * official document, so that no paper from a demo can pass for a real certificate.
   */
  specimen: boolean;
}

/**
 * A4 certificates with pdfkit: one page per copy, each with the security background, the title, the
 * content for the certificate type, the attestation, the date and the mayor's line with the official
 * seal, and a footer with issue time (JST), kiosk, serial, verification code and a QR code of the verify
 * page. Fonts are embedded as subsets, so the PDF prints the same on any printer. Built by a factory
 * (certificates.module.ts), not by Nest's class injection: its one parameter is plain configuration.
 */
export class PdfCertificateRenderer implements CertificateRenderer {
  /** The collections are ~20 MB each: read once per renderer, not once per certificate. */
  private fontData: { regular: Buffer; bold: Buffer } | undefined;

  constructor(
    private readonly fonts: CertificateFonts = NOTO_SANS_CJK,
    private readonly options: CertificateRendererOptions = { specimen: false },
  ) {}

  render(input: CertificateRenderInput): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      const doc = new PDFDocument({
        size: 'A4',
        margin: MARGIN,
        autoFirstPage: false,
        info: { Title: input.title, Author: input.municipality, Producer: 'kiosk central-hub', CreationDate: input.issuedAt },
      });
      const chunks: Buffer[] = [];
      doc.on('data', (chunk: Buffer) => chunks.push(chunk));
      doc.on('end', () => resolve(Buffer.concat(chunks)));
      doc.on('error', reject);
      try {
        this.fontData ??= { regular: readFileSync(this.fonts.regular.file), bold: readFileSync(this.fonts.bold.file) };
        doc.registerFont('jp', this.fontData.regular, this.fonts.regular.name);
        doc.registerFont('jp-bold', this.fontData.bold, this.fonts.bold.name);
        const content = buildCertificateContent(input.dossier, input.options);
        for (let copy = 1; copy <= input.copies; copy++) {
          doc.addPage();
          drawSecurityBackground(doc, input.municipality, 'jp');
          drawHeader(doc, input, copy);
          let y = drawTitle(doc, input.title);
          for (const block of content.blocks) y = drawBlock(doc, block, y);
          drawAttestation(doc, content.attestation, input, y);
          drawFooter(doc, input);
          if (this.options.specimen) drawSpecimenMark(doc);
        }
        doc.end();
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }
}

function drawHeader(doc: PDFKit.PDFDocument, input: CertificateRenderInput, copy: number): void {
  doc.font('jp').fontSize(8).fillColor(INK);
  doc.text(`発行番号 ${input.serial}`, MARGIN, HEADER_Y, { width: A4.width - 2 * MARGIN, align: 'right', lineBreak: false });
  if (input.copies > 1) doc.text(`${input.copies}通のうち${copy}通目`, MARGIN, HEADER_Y, { lineBreak: false });
}

function drawTitle(doc: PDFKit.PDFDocument, title: string): number {
  const y = MARGIN + 14;
  doc.font('jp-bold').fontSize(22).fillColor(INK).text(title, MARGIN, y, { width: A4.width - 2 * MARGIN, align: 'center', characterSpacing: 4 });
  const lineY = y + 38;
  doc.moveTo(A4.width / 2 - 120, lineY).lineTo(A4.width / 2 + 120, lineY).lineWidth(0.8).strokeColor(INK).stroke();
  return lineY + 26;
}

function drawBlock(doc: PDFKit.PDFDocument, block: ContentBlock, y: number): number {
  const width = A4.width - 2 * MARGIN;
  switch (block.kind) {
    case 'fields': {
      const labelWidth = 96;
      for (const [label, value] of block.rows) {
        doc.font('jp').fontSize(10).fillColor('#333333').text(label, MARGIN + 4, y + 5, { width: labelWidth - 8 });
        doc.font('jp').fontSize(11).fillColor(INK);
        const height = Math.max(22, doc.heightOfString(value, { width: width - labelWidth - 8 }) + 10);
        doc.text(value, MARGIN + labelWidth, y + 4, { width: width - labelWidth - 8 });
        doc.rect(MARGIN, y, width, height).lineWidth(0.5).strokeColor(RULE).stroke();
        doc.moveTo(MARGIN + labelWidth - 6, y).lineTo(MARGIN + labelWidth - 6, y + height).stroke();
        y += height;
      }
      return y + 14;
    }
    case 'table': {
      const xs = block.columns.reduce<number[]>((acc, c) => [...acc, (acc.at(-1) ?? MARGIN) + c.width * width], [MARGIN]);
      const row = (cells: string[], header: boolean) => {
        doc.font(header ? 'jp-bold' : 'jp').fontSize(header ? 9.5 : 10.5);
        const heights = cells.map((cell, i) => doc.heightOfString(cell, { width: (xs[i + 1] ?? 0) - (xs[i] ?? 0) - 8 }));
        const height = Math.max(22, ...heights.map((h) => h + 10));
        if (header) doc.rect(MARGIN, y, width, height).fillOpacity(0.35).fill('#dfe7ef').fillOpacity(1);
        cells.forEach((cell, i) => doc.fillColor(INK).text(cell, (xs[i] ?? 0) + 4, y + 5, { width: (xs[i + 1] ?? 0) - (xs[i] ?? 0) - 8 }));
        doc.rect(MARGIN, y, width, height).lineWidth(0.5).strokeColor(RULE).stroke();
        for (const x of xs.slice(1, -1)) doc.moveTo(x, y).lineTo(x, y + height).stroke();
        y += height;
      };
      row(block.columns.map((c) => c.label), true);
      for (const cells of block.rows) row(cells, false);
      return y + 14;
    }
    case 'seal-impression': {
      // A synthetic 印影: the registered seal's impression as the municipality would reproduce it.
      doc.font('jp').fontSize(9).fillColor('#333333').text('印影', MARGIN + 4, y + 4);
      const cx = MARGIN + 150;
      const cy = y + 42;
      doc.circle(cx, cy, 34).lineWidth(2.2).strokeColor(SEAL_RED).stroke();
      const chars = [...block.text];
      const size = chars.length <= 2 ? 22 : 16;
      doc.font('jp-bold').fontSize(size).fillColor(SEAL_RED);
      chars.forEach((ch, i) => doc.text(ch, cx - size / 2, cy - (chars.length * size) / 2 + i * size - 2, { width: size, align: 'center', lineBreak: false }));
      doc.rect(MARGIN, y, A4.width - 2 * MARGIN, 84).lineWidth(0.5).strokeColor(RULE).stroke();
      return y + 84 + 14;
    }
  }
}

function drawAttestation(doc: PDFKit.PDFDocument, attestation: string, input: CertificateRenderInput, y: number): void {
  const top = Math.max(y + 6, 520);
  doc.font('jp').fontSize(11).fillColor(INK).text(attestation, MARGIN, top, { width: A4.width - 2 * MARGIN });
  doc.text(warekiDate(jstDate(input.issuedAt)), MARGIN + 20, top + 32);
  // Mayor's line with the official seal (公印) overlapping its end, as on paper certificates.
  doc.font('jp-bold').fontSize(14).text(`${input.mayorTitle}`, MARGIN, top + 62, { width: A4.width - 2 * MARGIN - 70, align: 'right' });
  drawOfficialSeal(doc, A4.width - MARGIN - 40, top + 70, input.mayorTitle);
}

function drawOfficialSeal(doc: PDFKit.PDFDocument, cx: number, cy: number, mayorTitle: string): void {
  const side = 50;
  doc.save();
  doc.rect(cx - side / 2, cy - side / 2, side, side).lineWidth(2).strokeColor(SEAL_RED).strokeOpacity(0.85).stroke();
  const text = `${mayorTitle}之印`;
  // Seal script reads top-to-bottom, right column first: split into two columns.
  const half = Math.ceil(text.length / 2);
  const columns = [text.slice(0, half), text.slice(half)];
  doc.font('jp-bold').fontSize(10).fillColor(SEAL_RED).fillOpacity(0.85);
  columns.forEach((col, c) => {
    const x = cx + (c === 0 ? 2 : -14);
    [...col].forEach((ch, i) => doc.text(ch, x, cy - side / 2 + 4 + i * 11.5, { width: 12, align: 'center', lineBreak: false }));
  });
  doc.restore();
}

function drawFooter(doc: PDFKit.PDFDocument, input: CertificateRenderInput): void {
  const boxY = A4.height - MARGIN - 112;
  const width = A4.width - 2 * MARGIN;
  doc.rect(MARGIN, boxY, width, 112).lineWidth(0.6).strokeColor(RULE).stroke();
  const qrSize = 92;
  drawQr(doc, input.verifyUrl, MARGIN + width - qrSize - 10, boxY + 10, qrSize);
  const lines: [string, string][] = [
    ['発行日時', `${warekiDateTime(input.issuedAt)}（日本時間）`],
    ['発行端末', input.kioskId],
    ['発行番号', input.serial],
    ['検証コード', input.verificationCode],
  ];
  lines.forEach(([label, value], i) => {
    doc.font('jp').fontSize(8.5).fillColor('#333333').text(label, MARGIN + 10, boxY + 10 + i * 17, { lineBreak: false });
    doc.font(label === '検証コード' ? 'jp-bold' : 'jp').fontSize(label === '検証コード' ? 12 : 10).fillColor(INK);
    doc.text(value, MARGIN + 80, boxY + 8 + i * 17, { lineBreak: false });
  });
  doc.font('jp').fontSize(7.5).fillColor('#333333').text(
    `この証明書が${input.municipality}の発行したものであることは、右のQRコードまたは検証コードにより ${input.verifyUrl} で確認できます。`,
    MARGIN + 10,
    boxY + 80,
    { width: width - qrSize - 36 },
  );
}

/**
 * Over everything else, so that it cannot be covered or cut out: a large diagonal 見本 in translucent
 * red across the page, and a plain line that says the paper is a specimen and not an official document.
 */
function drawSpecimenMark(doc: PDFKit.PDFDocument): void {
  doc.save();
  doc.rotate(-35, { origin: [A4.width / 2, A4.height / 2] });
  doc.font('jp-bold').fontSize(190).fillColor(SEAL_RED).fillOpacity(0.22);
  doc.text('見本', 0, A4.height / 2 - 130, { width: A4.width, align: 'center', lineBreak: false });
  doc.restore();
  doc.save();
  const notice = '見本（SPECIMEN）デモ・テスト用の見本で、公的な証明書ではありません。Not an official document.';
  doc.font('jp-bold').fontSize(9);
  const width = A4.width - 2 * MARGIN;
  // Just above the footer box (drawFooter), clear of the attestation and the mayor's seal.
  const y = A4.height - MARGIN - 112 - 26;
  doc.rect(MARGIN, y - 5, width, 22).fillOpacity(0.85).fill('#ffffff');
  doc.fillColor(SEAL_RED).fillOpacity(1).text(notice, MARGIN, y, { width, align: 'center', lineBreak: false });
  doc.restore();
}

function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  const qr = createQr(text, { errorCorrectionLevel: 'M' });
  const count = qr.modules.size;
  const quiet = 2;
  const cell = size / (count + 2 * quiet);
  doc.rect(x, y, size, size).fill('#ffffff');
  doc.fillColor('#000000');
  for (let r = 0; r < count; r++) {
    for (let c = 0; c < count; c++) {
      if (qr.modules.get(r, c)) doc.rect(x + (c + quiet) * cell, y + (r + quiet) * cell, cell + 0.05, cell + 0.05);
    }
  }
  doc.fill('#000000');
}

/**
 * The anti-forgery background printed under the certificate: a guilloche rosette and wave bands in
 * light ink (fine, continuous curves that a scanner or copier blurs) and lines of micro-text (2.2 pt,
 * legible only with a loupe; a copy turns it to a grey line). Municipal certificates at kiosks carry
 * such a pattern so a photocopy or a home-printed fake is visible to the person receiving it.
 */
const A4 = { width: 595.28, height: 841.89 };
const GUILLOCHE = '#9fbfdc';
const MICRO = '#8fa9c4';

export function drawSecurityBackground(doc: PDFKit.PDFDocument, municipality: string, font: string): void {
  doc.save();
  drawRosette(doc, A4.width / 2, A4.height / 2 - 20, 170);
  drawWaveBand(doc, 30);
  drawWaveBand(doc, A4.height - 30);
  drawMicroText(doc, municipality, font);
  doc.restore();
}

/** A hypotrochoid-like rosette: one continuous curve per ring, many rings slightly out of phase. */
function drawRosette(doc: PDFKit.PDFDocument, cx: number, cy: number, radius: number): void {
  doc.lineWidth(0.25).strokeColor(GUILLOCHE).strokeOpacity(0.55);
  for (let ring = 0; ring < 16; ring++) {
    const r = radius * (0.4 + ring * 0.04);
    const phase = (ring * Math.PI) / 18;
    const steps = 720;
    for (let i = 0; i <= steps; i++) {
      const t = (i / steps) * 2 * Math.PI;
      const wobble = 1 + 0.12 * Math.sin(24 * t + phase) + 0.05 * Math.sin(7 * t - phase);
      const x = cx + r * wobble * Math.cos(t);
      const y = cy + r * wobble * Math.sin(t);
      if (i === 0) doc.moveTo(x, y);
      else doc.lineTo(x, y);
    }
    doc.stroke();
  }
}

function drawWaveBand(doc: PDFKit.PDFDocument, centreY: number): void {
  doc.lineWidth(0.3).strokeColor(GUILLOCHE).strokeOpacity(0.7);
  for (let k = 0; k < 6; k++) {
    const amp = 5 + k * 0.9;
    for (let x = 20; x <= A4.width - 20; x += 2) {
      const y = centreY + amp * Math.sin(x / 11 + k * 0.7) * Math.cos(x / 53);
      if (x === 20) doc.moveTo(x, y);
      else doc.lineTo(x, y);
    }
    doc.stroke();
  }
}

function drawMicroText(doc: PDFKit.PDFDocument, municipality: string, font: string): void {
  const unit = `${municipality} CERTIFICATE ORIGINAL `;
  const line = unit.repeat(30);
  doc.font(font).fontSize(2.2).fillColor(MICRO).fillOpacity(0.9);
  for (const y of [44, A4.height - 48]) doc.text(line, 24, y, { width: A4.width - 48, height: 4, lineBreak: false, ellipsis: false });
  doc.fillOpacity(1);
}

import { Controller, Get, Header, Inject, Param, UseGuards } from '@nestjs/common';
import type { VerificationResult } from '@kiosk/protocols';
import { warekiDateTime } from '../domain/certificates/wareki';
import { CertificatesService } from '../services/certificates.service';
import { VerifyRateGuard } from './public-limits';

/** Longest input looked up; anything longer cannot be a code (and is not worth a query). */
const MAX_CODE_INPUT = 64;

/**
 * The public check of a certificate's verification code, where its QR code points: anyone holding the
 * paper can see whether it is valid, which certificate, when and where it was issued; never who it is
 * about. No authentication, on purpose; lookups are rate limited per client address (public-limits.ts).
 */
@Controller()
@UseGuards(VerifyRateGuard)
export class VerifyController {
  constructor(@Inject(CertificatesService) private readonly certificates: CertificatesService) {}

  @Get('api/verify/:code')
  @Header('Cache-Control', 'no-store')
  lookup(@Param('code') code: string): Promise<VerificationResult> {
    return this.check(code);
  }

  @Get('verify/:code')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async page(@Param('code') code: string): Promise<string> {
    return verifyPage(await this.check(code));
  }

  private check(code: string): Promise<VerificationResult> {
    if (code.length > MAX_CODE_INPUT) return Promise.resolve({ valid: false, reason: 'unknown' });
    return this.certificates.verify(code);
  }
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A small self-contained page (no scripts, no external assets): large, calm, readable. */
export function verifyPage(result: VerificationResult): string {
  const body = result.valid
    ? `<p class="verdict ok">有効な証明書です<br><span>This certificate is valid.</span></p>
       <dl>
         <dt>証明書 / Certificate</dt><dd>${escape(result.certificateNameJa)}</dd>
         <dt>発行日時 / Issued</dt><dd>${escape(warekiDateTime(new Date(result.issuedAt)))}（日本時間） <span>${escape(result.issuedAt)}</span></dd>
         <dt>発行番号 / Serial</dt><dd class="serial">${escape(result.serial)}</dd>
         <dt>通数 / Copies</dt><dd>${result.copies}通 <span>${result.copies === 1 ? '1 copy' : `${result.copies} copies, each marked 「${result.copies}通のうちN通目」`}</span></dd>
         <dt>発行元 / Issued by</dt><dd>${escape(result.municipality)}</dd>
         <dt>発行端末 / Kiosk</dt><dd>${escape(result.kioskId)}</dd>
       </dl>`
    : `<p class="verdict ng">${result.reason === 'voided' ? 'この証明書は無効です（発行後に取り消されました）' : 'この検証コードの証明書は見つかりません'}<br>
       <span>${result.reason === 'voided' ? 'This certificate is void (cancelled after issue).' : 'No certificate has this verification code.'}</span></p>`;
  return `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>証明書の検証 / Certificate check</title>
<style>
  body { font-family: "Noto Sans CJK JP", sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; line-height: 1.6; }
  h1 { font-size: 1.5rem; } .verdict { font-size: 1.4rem; font-weight: bold; padding: 1rem; border-radius: .5rem; }
  .ok { background: #e6f4ea; color: #0b5323; } .ng { background: #fde8e8; color: #8a1111; }
  dt { font-weight: bold; margin-top: .8rem; } dd { margin: 0; } span { font-size: .9rem; font-weight: normal; color: #333; }
</style></head>
<body><h1>証明書の検証 <span>Certificate check</span></h1>${body}
<p><span>このページに個人の情報は表示されません。 No personal data is shown on this page.</span></p></body></html>`;
}

import type { CertificateOptions } from '@kiosk/protocols';
import type { TaxCertificateRule } from './catalogue';
import { jstParts } from '../jst';
import { reiwaYear } from './wareki';

/**
 * The fiscal years (年度) a tax certificate can be ordered for at `now`, newest first. A fiscal year's
 * assessment is only settled in late spring, so its certificate becomes available on the municipality's
 * release day (e.g. June 1); before that day the previous fiscal year is the newest.
 */
export function availableFiscalYears(now: Date, rule: TaxCertificateRule): number[] {
  const p = jstParts(now);
  const monthDay = `${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
  const latest = monthDay >= rule.releasedOn ? p.year : p.year - 1;
  return Array.from({ length: rule.years }, (_, i) => latest - i);
}

/** The title printed on the certificate, which for some types depends on the options. */
export function certificateTitle(options: CertificateOptions): string {
  switch (options.type) {
    case 'juminhyo':
      return '住民票の写し';
    case 'inkan':
      return '印鑑登録証明書';
    case 'koseki':
      return options.scope === 'full' ? '戸籍全部事項証明書' : '戸籍個人事項証明書';
    case 'koseki-fuhyo':
      return '戸籍の附票の写し';
    case 'kazei':
      return `${reiwaYear(options.fiscalYear)}年度 課税証明書`;
  }
}

import {
  CardAuthFailureReasonSchema,
  CertificateTypeSchema,
  DeviceReasonSchema,
  EligibilityReasonSchema,
  LanguageSchema,
  ServiceClosedReasonSchema,
  type Language,
} from '@kiosk/protocols';
import { placeholders, tables } from '../../../shared/i18n/index';
import { LANGUAGE_PACKS } from '../../languages/all-languages';
import { certTranslate, formatYen, isCertKey, type CertMessageKey, type CertMessages } from './index';

/** Every language's table as the packs hold them (the kiosk loads all but Japanese on demand). */
const certTables = Object.fromEntries(LanguageSchema.options.map((language) => [language, LANGUAGE_PACKS[language].cert])) as Record<Language, CertMessages>;

describe('certificate flow translation tables', () => {
  const reference = Object.keys(certTables.ja).sort();

  it('cover every kiosk language', () => {
    expect(Object.keys(certTables).sort()).toEqual([...LanguageSchema.options].sort());
  });

  it.each(LanguageSchema.options)('%s has exactly the Japanese keys, none blank', (language) => {
    expect(Object.keys(certTables[language]).sort()).toEqual(reference);
    expect(Object.entries(certTables[language]).filter(([, text]) => text.trim() === '')).toEqual([]);
  });

  it.each(LanguageSchema.options)('%s uses the same placeholders as Japanese', (language) => {
    const mismatched = reference.filter((key) => {
      const k = key as CertMessageKey;
      return placeholders(certTables[language][k]).sort().join() !== placeholders(certTables.ja[k]).sort().join();
    });
    expect(mismatched).toEqual([]);
  });

  it('never shadows a shared key', () => {
    expect(reference.filter((key) => key in tables.ja)).toEqual([]);
    expect(reference.every((key) => key.startsWith('cert.'))).toBe(true);
  });

  it('names every certificate type, closing reason, card refusal, eligibility reason and device reason of the protocol', () => {
    const wanted = [
      ...CertificateTypeSchema.options.map((type) => `cert.type.${type}`),
      ...ServiceClosedReasonSchema.options.map((reason) => `cert.unavailable.${reason}`),
      ...EligibilityReasonSchema.options.map((reason) => `cert.eligibility.${reason}`),
      ...DeviceReasonSchema.options.map((reason) => `cert.reason.${reason}`),
    ];
    expect(wanted.filter((key) => !isCertKey(key))).toEqual([]);
    // Card refusals are grouped (several technical reasons read the same to a resident); every group exists.
    expect(CardAuthFailureReasonSchema.options.length).toBeGreaterThan(0);
  });

  it('translates into four different texts and reads shared keys from the shared tables', () => {
    const texts = new Set(LanguageSchema.options.map((language) => certTranslate(language, 'cert.locked.where')));
    expect(texts.size).toBe(4);
    expect(certTranslate('ja', 'device.document-printer')).toBe('証明書プリンター');
    expect(certTranslate('ja', 'cert.pin.triesLeft', { n: 1 })).toBe('あと1回間違えると、暗証番号がロックされます。');
  });

  it('writes yen the way each language does', () => {
    expect(formatYen('ja', 1000)).toBe('1,000円');
    expect(formatYen('en', 400)).toBe('¥400');
    expect(formatYen('ko', 100)).toBe('100엔');
    expect(formatYen('zh-Hans', 3500)).toBe('3,500日元');
  });
});

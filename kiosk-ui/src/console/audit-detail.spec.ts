import { detailLines } from './audit-detail';
import { consoleTranslator } from './i18n/index';
import { auditEntry } from './spec-fixtures';

const ja = consoleTranslator('ja');
const en = consoleTranslator('en');

describe('audit detail as a technician reads it', () => {
  it('labels every key and words every enum: an acknowledged paper-out alert and an enrolment code', () => {
    const alert = auditEntry(1, { detail: { kind: 'paper-out', comment: 'ロール紙を補充に向かいます' } });
    expect(detailLines(alert, ja, 'ja')).toEqual([
      { key: 'comment', label: 'コメント', value: 'ロール紙を補充に向かいます', asRecorded: true },
      { key: 'kind', label: '種類', value: '用紙切れ', asRecorded: false },
    ]);
    const enrolment = auditEntry(2, { detail: { site: '豊中市役所 1F', kind: 'street-terminal', expiresAt: '2026-12-07T03:00:00.000Z' } });
    const lines = detailLines(enrolment, en, 'en');
    expect(lines.map((line) => line.label)).toEqual(['Expires', 'Kind', 'Site']);
    expect(lines[0]?.value).not.toContain('2026-12-07T03');
    expect(lines[0]?.asRecorded).toBe(false);
    expect(lines[1]?.value).toBe('Street terminal');
  });

  it('formats yes/no, amounts and sizes; commands and roles in words', () => {
    const lines = detailLines(auditEntry(3, { detail: { type: 'device.test-print', duplicate: false, amountYen: 1200, bytes: 2048, role: 'viewer', reason: 'role' } }), ja, 'ja');
    expect(Object.fromEntries(lines.map((line) => [line.key, line.value]))).toEqual({
      amountYen: '1,200円',
      bytes: '2,048 バイト',
      duplicate: 'いいえ',
      reason: '役割の権限がない',
      role: '閲覧者',
      type: 'テスト印刷',
    });
    expect(lines.every((line) => !line.asRecorded)).toBe(true);
  });

  it('shows a value or a key without words as recorded, marked, and null as a dash', () => {
    const lines = detailLines(auditEntry(4, { detail: { reason: 'something-new', attempts: 2, kind: null } }), en, 'en');
    expect(lines).toEqual([
      { key: 'attempts', label: 'Other field (attempts)', value: '2', asRecorded: true },
      { key: 'kind', label: 'Kind', value: null, asRecorded: false },
      { key: 'reason', label: 'Reason', value: 'something-new', asRecorded: true },
    ]);
  });
});

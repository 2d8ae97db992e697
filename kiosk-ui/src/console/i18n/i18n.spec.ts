import {
  AlertKindSchema,
  AlertSeveritySchema,
  AlertStateSchema,
  AuditActionSchema,
  AuditActorKindSchema,
  CommandStatusSchema,
  DeviceReasonSchema,
  HubCommandTypeSchema,
  KioskStatusSchema,
  RoleSchema,
  ServiceClosedReasonSchema,
} from '@kiosk/protocols';
import { placeholders, tables } from '../../shared/i18n/index';
import { CONSOLE_LANGUAGES, consoleTables, consoleTranslate, isConsoleKey, type ConsoleMessageKey } from './index';

describe('console translation tables', () => {
  const reference = Object.keys(consoleTables.ja).sort();

  it.each(CONSOLE_LANGUAGES)('%s has exactly the Japanese keys, none blank', (language) => {
    expect(Object.keys(consoleTables[language]).sort()).toEqual(reference);
    expect(Object.entries(consoleTables[language]).filter(([, text]) => text.trim() === '')).toEqual([]);
  });

  it('uses the same placeholders in English as in Japanese', () => {
    const mismatched = reference.filter((key) => {
      const k = key as ConsoleMessageKey;
      return placeholders(consoleTables.en[k]).sort().join() !== placeholders(consoleTables.ja[k]).sort().join();
    });
    expect(mismatched).toEqual([]);
  });

  it('never shadows a shared key', () => {
    expect(reference.filter((key) => key in tables.ja)).toEqual([]);
    expect(reference.every((key) => key.startsWith('console.'))).toBe(true);
  });

  // Components look these up by the protocol's value (`console.status.${status}`): one missing would
  // show the key itself to a technician, so every value of every enum shown must have a text.
  it.each([
    ['console.status', KioskStatusSchema.options],
    ['console.reason', DeviceReasonSchema.options],
    ['console.alertKind', AlertKindSchema.options],
    ['console.severity', AlertSeveritySchema.options],
    ['console.alertState', AlertStateSchema.options],
    ['console.commandStatus', CommandStatusSchema.options],
    ['console.commandType', HubCommandTypeSchema.options],
    ['console.auditAction', AuditActionSchema.options],
    ['console.actorKind', AuditActorKindSchema.options],
    ['console.role', RoleSchema.options],
    ['console.certificates.reason', ServiceClosedReasonSchema.options],
  ] as const)('names every value of %s', (prefix, values) => {
    expect(values.filter((value) => !isConsoleKey(`${prefix}.${value}`))).toEqual([]);
  });

  it('reads its own keys from the console tables and the rest from the shared ones', () => {
    expect(consoleTranslate('ja', 'console.heading')).toBe('端末管理コンソール');
    expect(consoleTranslate('en', 'console.alert.flaps', { count: 3 })).toBe('came back 3 times');
    expect(consoleTranslate('en', 'device.coin-hopper')).toBe('Change dispenser');
    expect(consoleTranslate('ja', 'time.minutesAgo', { n: 3 })).toBe('3分前');
  });

  it('keeps the online/offline words the browser test reads on a kiosk row', () => {
    expect(consoleTranslate('ja', 'console.statusBadge.online')).toMatch(/オンライン/);
    expect(consoleTranslate('ja', 'console.statusBadge.offline')).toMatch(/オフライン/);
    expect(consoleTranslate('en', 'console.statusBadge.outOfServiceOffline')).toMatch(/offline/i);
    expect(consoleTranslate('en', 'console.statusBadge.outOfServiceOffline')).not.toMatch(/online/i);
  });
});

import { DeviceReasonSchema } from '@kiosk/protocols';
import { placeholders, tables } from '../../shared/i18n/index';
import { isPanelKey, PANEL_LANGUAGES, panelTables, panelTranslate, type PanelMessageKey } from './index';

describe('device panel translation tables', () => {
  const reference = Object.keys(panelTables.ja).sort();

  it.each(PANEL_LANGUAGES)('%s has exactly the Japanese keys, none blank', (language) => {
    expect(Object.keys(panelTables[language]).sort()).toEqual(reference);
    expect(Object.entries(panelTables[language]).filter(([, text]) => text.trim() === '')).toEqual([]);
  });

  it('uses the same placeholders in English as in Japanese', () => {
    const mismatched = reference.filter((key) => {
      const k = key as PanelMessageKey;
      return placeholders(panelTables.en[k]).sort().join() !== placeholders(panelTables.ja[k]).sort().join();
    });
    expect(mismatched).toEqual([]);
  });

  it('never shadows a shared key', () => {
    expect(reference.filter((key) => key in tables.ja)).toEqual([]);
    expect(reference.every((key) => key.startsWith('panel.'))).toBe(true);
  });

  it('names every device health reason of the protocol', () => {
    const missing = DeviceReasonSchema.options.filter((reason) => !isPanelKey(`panel.reason.${reason}`));
    expect(missing).toEqual([]);
  });

  it('reads its own keys from the panel tables and the rest from the shared ones', () => {
    expect(panelTranslate('ja', 'panel.heading')).toBe('デモ用 仮想デバイス パネル');
    expect(panelTranslate('en', 'panel.heading')).toBe('Virtual device panel (demo)');
    expect(panelTranslate('en', 'device.coin-hopper')).toBe('Change dispenser');
    expect(panelTranslate('ja', 'panel.coins.hopperLine', { yen: 500, count: 4 })).toBe('500円 × 4枚');
  });
});

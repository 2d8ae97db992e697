import type { BarcodePreset, VirtualCard } from '@kiosk/protocols';

/** The slice of a test CA resident the panel shows: synthetic names only (scripts/test-ca). */
export interface ResidentLabelSource {
  id: string;
  nameJa: string;
  revoked: boolean;
}

/** The one card in the demo that is not a My Number card (an emulator without the JPKI application). */
export const FOREIGN_CARD: VirtualCard = {
  cardId: 'not-my-number-card',
  label: '交通系ICカード（マイナンバーカードではありません）',
  kind: 'not-my-number',
};

/**
 * Pure: the cards the panel offers, one per virtual resident of the test CA plus the foreign card. Card
 * ids are the residents' ids (`toyonaka-001`); labels say they are test residents, and which one is
 * revoked, so a person trying the demo knows what to expect from the hub.
 */
export function panelCards(residents: readonly ResidentLabelSource[]): VirtualCard[] {
  const cards = residents.map(
    (resident, index): VirtualCard => ({
      cardId: resident.id,
      label: `${resident.nameJa}（テスト住民${index + 1}${resident.revoked ? '・失効' : ''}）`,
      kind: 'my-number',
    }),
  );
  return [...cards, FOREIGN_CARD];
}

/**
 * Facility user numbers offered as one-click scans. Clearly demo numbers: until the lottery module seeds
 * test users, the hub knows none of them. Each ends in the Luhn check digit of its first seven (as the
 * hub's user numbers do), so a scan reaches "unknown user" rather than "misread barcode".
 */
export const DEMO_BARCODE_PRESETS: readonly BarcodePreset[] = [
  { barcode: '10000008', label: 'デモ利用者 1（demo user 1）' },
  { barcode: '10000016', label: 'デモ利用者 2（demo user 2）' },
  { barcode: '10000024', label: 'デモ利用者 3（demo user 3）' },
];

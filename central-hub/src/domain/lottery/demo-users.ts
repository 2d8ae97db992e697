import type { Municipality } from '@kiosk/protocols';

/**
 * Demo facility users for `npm start`: the three numbers the device panel offers as one-click scans
 * (edge-agent/src/panel/virtual-cards.ts DEMO_BARCODE_PRESETS), with PINs a demonstrator can type.
 * Test data, never real people; seeded only when the composition asks for it (demo mode).
 */
export const DEMO_FACILITY_USERS: readonly { userNumber: string; pin: string; municipality: Municipality }[] = [
  { userNumber: '10000008', pin: '1234', municipality: '豊中市' },
  { userNumber: '10000016', pin: '2345', municipality: '豊中市' },
  { userNumber: '10000024', pin: '3456', municipality: '豊中市' },
];

/**
 * Demo only: a demo user card linked to a TEST CA virtual My Number card (scripts/test-ca residents),
 * so a demonstrator can sign in at a street terminal with that card and its card PIN.
 */
export const DEMO_CARD_LINKS: readonly { userNumber: string; residentId: string }[] = [{ userNumber: '10000016', residentId: 'toyonaka-002' }];

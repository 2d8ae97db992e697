import type { FacilityType, Municipality, Sport } from '@kiosk/protocols';
import type { FacilitySpec, SlotTemplate, UnitSpec } from './slots';

/**
 * Seed data: Toyonaka's 11 street-terminal sites (toyonaka-facts.json, names exactly as there) with
 * units, opening hours and fees. The sites are real; the unit counts, hours and fees are realistic
 * figures for such facilities, not copied from the city's fee ordinance: an operator edits them.
 */

/** Romanised names, for ids that must be ASCII (round ids, slot ids in published draws). */
export const MUNICIPALITY_SLUGS: Record<Municipality, string> = {
  大阪府: 'osaka-pref',
  豊中市: 'toyonaka',
  茨木市: 'ibaraki',
  堺市: 'sakai',
  高石市: 'takaishi',
  大阪狭山市: 'osakasayama',
  熊取町: 'kumatori',
  池田市: 'ikeda',
  東大阪市: 'higashiosaka',
  吹田市: 'suita',
  和泉市: 'izumi',
  高槻市: 'takatsuki',
  河内長野市: 'kawachinagano',
  大阪市: 'osaka-city',
  富田林市: 'tondabayashi',
  河南町: 'kanan',
  太子町: 'taishi',
  千早赤阪村: 'chihayaakasaka',
};

export function roundIdOf(municipality: Municipality, facilityType: FacilityType, useMonth: string): string {
  return `${MUNICIPALITY_SLUGS[municipality]}-${facilityType}-${useMonth}`;
}

const slots = (times: [string, string, number][]): SlotTemplate[] => times.map(([start, end, feeYen]) => ({ start, end, feeYen }));

/** Tennis: 2-hour slots from 07:00 to 21:00; the evening ones cost more for the floodlights. */
const TENNIS = slots([
  ['07:00', '09:00', 1200], ['09:00', '11:00', 1200], ['11:00', '13:00', 1200], ['13:00', '15:00', 1200],
  ['15:00', '17:00', 1200], ['17:00', '19:00', 1700], ['19:00', '21:00', 1700],
]);
/** Gyms: the usual morning / afternoon / evening divisions. */
const gymDivisions = (morning: number, day: number, evening: number) =>
  slots([['09:00', '12:00', morning], ['13:00', '17:00', day], ['18:00', '21:30', evening]]);
const SPORTS_ROOM = slots([
  ['09:00', '11:00', 800], ['11:00', '13:00', 800], ['13:00', '15:00', 800],
  ['15:00', '17:00', 800], ['17:00', '19:00', 800], ['19:00', '21:00', 800],
]);
const POOL_LANE = slots([['10:00', '12:00', 2000], ['13:00', '15:00', 2000], ['15:00', '17:00', 2000], ['18:00', '20:00', 2000]]);
/** Baseball: half-day slots, and a floodlit evening. */
const BASEBALL = slots([['08:00', '12:00', 8000], ['12:00', '16:00', 8000], ['17:00', '21:00', 16000]]);

const GYM_SPORTS: Sport[] = ['badminton', 'basketball', 'volleyball', 'table-tennis', 'futsal'];
const SUB_ARENA_SPORTS: Sport[] = ['badminton', 'table-tennis', 'dance', 'gymnastics'];

function courts(facilityId: string, count: number): UnitSpec[] {
  return Array.from({ length: count }, (_, i) => ({
    unitId: `${facilityId}-c${i + 1}`,
    name: `${i + 1}番コート`,
    nameEn: `Court ${i + 1}`,
    sports: ['tennis', 'soft-tennis'] satisfies Sport[],
    slots: TENNIS,
  }));
}

function gym(facilityId: string, name: string, nameEn: string): FacilitySpec {
  return {
    facilityId,
    municipality: '豊中市',
    name,
    nameEn,
    facilityType: 'gym',
    closedWeekdays: [],
    cancelDeadlineDays: 7,
    units: [
      { unitId: `${facilityId}-main`, name: '主競技場', nameEn: 'Main arena', sports: GYM_SPORTS, slots: gymDivisions(6300, 8400, 8400) },
      { unitId: `${facilityId}-sub`, name: '補助競技場', nameEn: 'Sub arena', sports: SUB_ARENA_SPORTS, slots: gymDivisions(2100, 2800, 2800) },
    ],
  };
}

function tennis(facilityId: string, name: string, nameEn: string, count: number): FacilitySpec {
  return { facilityId, municipality: '豊中市', name, nameEn, facilityType: 'tennis', closedWeekdays: [], cancelDeadlineDays: 3, units: courts(facilityId, count) };
}

export const TOYONAKA_FACILITIES: readonly FacilitySpec[] = [
  gym('toyonaka-toyoshima-gym', '豊島体育館', 'Toyoshima Gymnasium'),
  gym('toyonaka-shonai-gym', '庄内体育館', 'Shonai Gymnasium'),
  gym('toyonaka-senri-gym', '豊泉家千里体育館（豊中市立千里体育館）', 'Hosenka Senri Gymnasium (Toyonaka City Senri Gymnasium)'),
  {
    facilityId: 'toyonaka-budokan-hibiki',
    municipality: '豊中市',
    name: '武道館ひびき',
    nameEn: 'Budokan Hibiki',
    facilityType: 'budo',
    closedWeekdays: [],
    cancelDeadlineDays: 7,
    units: [
      { unitId: 'toyonaka-budokan-hibiki-judo', name: '柔道場', nameEn: 'Judo hall', sports: ['judo', 'aikido', 'karate'], slots: gymDivisions(2100, 2800, 2800) },
      { unitId: 'toyonaka-budokan-hibiki-kendo', name: '剣道場', nameEn: 'Kendo hall', sports: ['kendo', 'karate'], slots: gymDivisions(2100, 2800, 2800) },
      { unitId: 'toyonaka-budokan-hibiki-kyudo', name: '弓道場', nameEn: 'Archery range', sports: ['kyudo'], slots: gymDivisions(1500, 2000, 2000) },
    ],
  },
  {
    facilityId: 'toyonaka-takagawa-sports-room',
    municipality: '豊中市',
    name: '高川スポーツルーム',
    nameEn: 'Takagawa Sports Room',
    facilityType: 'sports-room',
    closedWeekdays: [],
    cancelDeadlineDays: 3,
    units: [
      { unitId: 'toyonaka-takagawa-sports-room-1', name: 'スポーツルーム', nameEn: 'Sports room', sports: ['table-tennis', 'dance', 'gymnastics'], slots: SPORTS_ROOM },
    ],
  },
  tennis('toyonaka-nobata-tennis', '野畑テニスコート', 'Nobata Tennis Courts', 4),
  tennis(
    'toyonaka-fureai-tennis',
    'マリンフード豊中テニスコート（ふれあい緑地テニスコート）',
    'Marine Food Toyonaka Tennis Courts (Fureai Ryokuchi Tennis Courts)',
    8,
  ),
  tennis('toyonaka-green-sports-tennis', 'グリーンスポーツセンター庭球場', 'Green Sports Center Tennis Courts', 6),
  gym('toyonaka-shibahara-gym', '柴原体育館', 'Shibahara Gymnasium'),
  {
    facilityId: 'toyonaka-ninokiri-pool',
    municipality: '豊中市',
    name: '二ノ切温水プール',
    nameEn: 'Ninokiri Heated Pool',
    facilityType: 'pool',
    // Closed on Mondays.
    closedWeekdays: [1],
    cancelDeadlineDays: 7,
    units: Array.from({ length: 6 }, (_, i) => ({
      unitId: `toyonaka-ninokiri-pool-lane${i + 1}`,
      name: `${i + 1}コース（25m）`,
      nameEn: `Lane ${i + 1} (25 m)`,
      sports: ['swimming'] satisfies Sport[],
      slots: POOL_LANE,
    })),
  },
  {
    facilityId: 'toyonaka-rose-stadium',
    municipality: '豊中市',
    name: '豊島公園野球場（ローズ球場）',
    nameEn: 'Toyoshima Park Baseball Stadium (Rose Stadium)',
    facilityType: 'baseball',
    closedWeekdays: [],
    cancelDeadlineDays: 14,
    units: [{ unitId: 'toyonaka-rose-stadium-field', name: 'グラウンド', nameEn: 'Field', sports: ['baseball', 'softball'], slots: BASEBALL }],
  },
];

import { v7 as uuidv7 } from 'uuid';
import { PROTOCOL_VERSION, agentToHubCertificateSchemas, agentToHubSchemas, consoleToHubSchemas, lotteryAgentToHubSchemas } from '@kiosk/protocols';
import { creditEvents, heartbeat } from '../support/agent-client';
import type { EventTemplate } from './frame-generator';

/**
 * What the fuzzer mutates: every event a namespace accepts (the names come from the protocol's schema
 * maps, so a new message is fuzzed without touching this file), each with a body that passes, or nearly
 * passes, its schema where one is easy to build; `{}` otherwise.
 */

const TOKEN = 't'.repeat(43);
const SLOT = 'toyonaka-nobata-tennis-c1@2027-01-09T0900';

export function agentTemplates(kioskId: string): EventTemplate[] {
  const bodies: Record<string, unknown> = {
    hello: { protocolVersion: PROTOCOL_VERSION, agentVersion: '1.0.0' },
    telemetry: heartbeat(new Date(), [{ deviceId: 'printer-1', kind: 'receipt-printer', status: 'ok' }]),
    events: { events: creditEvents(kioskId, 1_000_000, 3) },
    'logs.chunk': { commandId: uuidv7(), index: 0, final: true, lines: ['{"msg":"x"}'] },
    'lottery.signIn': { userNumber: '10000008', pin: '1234' },
    'lottery.signOut': { sessionToken: TOKEN },
    'lottery.facilities': { municipality: '豊中市' },
    'lottery.rounds': { municipality: '豊中市' },
    'lottery.availability': { facilityId: 'toyonaka-nobata-tennis', from: '2027-01-01', to: '2027-01-31' },
    'lottery.entry.submit': { sessionToken: TOKEN, clientEntryId: uuidv7(), firstSlotId: SLOT },
    'lottery.entries': { sessionToken: TOKEN },
    'lottery.bookings': { sessionToken: TOKEN },
    'lottery.booking.create': { sessionToken: TOKEN, clientBookingId: uuidv7(), slotId: SLOT },
    'lottery.draw.published': { roundId: 'toyonaka-tennis-2027-01' },
    'lottery.offlineKey': {},
    'certificates.availability': {},
    'certificates.challenge': {},
  };
  const names = [...Object.keys(agentToHubSchemas), ...Object.keys(lotteryAgentToHubSchemas), ...Object.keys(agentToHubCertificateSchemas)];
  return names.map((event) => ({ event, args: [bodies[event] ?? {}] }));
}

export function consoleTemplates(kioskIds: readonly string[]): EventTemplate[] {
  const kioskId = kioskIds[0] ?? 'kiosk-0';
  const bodies: Record<string, unknown> = {
    'fleet.kiosks': { status: ['online'], limit: 50 },
    'kiosk.detail': { kioskId },
    'alerts.list': { state: 'open' },
    'alert.ack': { alertId: uuidv7(), comment: 'fuzz' },
    'command.send': { kioskId, type: 'config.refresh', params: {} },
    'audit.page': { limit: 10 },
  };
  const withoutBody = ['kiosks.list', 'session.me', 'fleet.overview'].map((event) => ({ event, args: [] }));
  return [...withoutBody, ...Object.keys(consoleToHubSchemas).map((event) => ({ event, args: [bodies[event] ?? {}] }))];
}

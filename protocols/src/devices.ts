import { z } from 'zod';
import { InstantSchema } from './common';

export const DeviceKindSchema = z.enum([
  'card-reader',
  'receipt-printer',
  'document-printer',
  'coin-acceptor',
  'coin-hopper',
  'barcode-scanner',
  'pin-pad',
]);
export type DeviceKind = z.infer<typeof DeviceKindSchema>;

export const DeviceStatusSchema = z.enum(['ok', 'warning', 'error', 'missing']);
export type DeviceStatus = z.infer<typeof DeviceStatusSchema>;

/** Why a device is not simply `ok`. Technicians' alerts key on these. */
export const DeviceReasonSchema = z.enum([
  'paper-near-end',
  'paper-end',
  'cover-open',
  'jam',
  'offline',
  'cash-box-full',
  'hopper-empty',
  'coin-jam',
  'lost-credit',
  'media-empty',
  'door-open',
  'no-service',
  'disconnected',
  'not-found',
  'unsupported',
  'timeout',
  'other',
]);
export type DeviceReason = z.infer<typeof DeviceReasonSchema>;

export const DeviceHealthSchema = z.strictObject({
  deviceId: z.string().min(1).max(128),
  kind: DeviceKindSchema,
  status: DeviceStatusSchema,
  reasons: z.array(DeviceReasonSchema).max(16),
  /** Free text for technicians (driver messages); never personal data. */
  detail: z.string().max(500).optional(),
  since: InstantSchema,
});
export type DeviceHealth = z.infer<typeof DeviceHealthSchema>;

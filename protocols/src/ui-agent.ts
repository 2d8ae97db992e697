import { z } from 'zod';
import { InstantSchema, KioskIdSchema, LanguageSchema } from './common';
import { DeviceHealthSchema } from './devices';
import { resultSchema } from './errors';
import { lotteryAgentToUiSchemas, type LotteryAgentToUiEvents, type LotteryUiToAgentEvents } from './ui-lottery';
import { agentToUiCertificateSchemas, type AgentToUiCertificateEvents, type UiToAgentCertificateEvents } from './ui-certificates';
import { agentToUiKeypadSchemas, type AgentToUiKeypadEvents } from './ui-keypad';
import { uiToAgentSpeechSchemas, type UiToAgentSpeechEvents } from './ui-speech';
import { SERVICES, UI_NAMESPACE } from './ui-values';

export * from './ui-speech';
export * from './ui-keypad';

export { UI_NAMESPACE };

export const ServiceSchema = z.enum(SERVICES);
export type Service = z.infer<typeof ServiceSchema>;

/** Everything the kiosk screen needs to know about the kiosk itself. */
export const AgentStatusSchema = z.strictObject({
  kioskId: KioskIdSchema.nullable(),
  hubConnected: z.boolean(),
  lastHubContactAt: InstantSchema.nullable(),
  outOfService: z.boolean(),
  devices: z.array(DeviceHealthSchema),
});
export type AgentStatus = z.infer<typeof AgentStatusSchema>;

export const SessionBeginSchema = z.strictObject({ service: ServiceSchema, language: LanguageSchema });
export type SessionBegin = z.infer<typeof SessionBeginSchema>;
export const SessionBeginAckSchema = resultSchema({ sessionId: z.uuidv7() });
export type SessionBeginAck = z.infer<typeof SessionBeginAckSchema>;

export const SessionEndSchema = z.strictObject({ reason: z.enum(['done', 'cancelled', 'idle-timeout']) });
export type SessionEnd = z.infer<typeof SessionEndSchema>;
export const SessionEndAckSchema = resultSchema({});
export type SessionEndAck = z.infer<typeof SessionEndAckSchema>;

export interface UiToAgentEvents extends LotteryUiToAgentEvents, UiToAgentCertificateEvents, UiToAgentSpeechEvents {
  'status.get': (ack: (status: AgentStatus) => void) => void;
  'session.begin': (request: SessionBegin, ack: (result: SessionBeginAck) => void) => void;
  'session.end': (request: SessionEnd, ack: (result: SessionEndAck) => void) => void;
}
export interface AgentToUiEvents extends LotteryAgentToUiEvents, AgentToUiCertificateEvents, AgentToUiKeypadEvents {
  status: (status: AgentStatus) => void;
}

export const uiToAgentSchemas = {
  'session.begin': SessionBeginSchema,
  'session.end': SessionEndSchema,
  ...uiToAgentSpeechSchemas,
} as const satisfies Partial<Record<keyof UiToAgentEvents, z.ZodType>>;
export const agentToUiSchemas = {
  status: AgentStatusSchema,
  ...lotteryAgentToUiSchemas,
  ...agentToUiCertificateSchemas,
  ...agentToUiKeypadSchemas,
} as const satisfies Record<keyof AgentToUiEvents, z.ZodType>;

/**
 * Version of the wire protocol between kiosk UI, edge agent, hub and console. Bump it on any change a
 * peer on the previous version could not parse; the hub refuses agents that speak another version.
 */
export const PROTOCOL_VERSION = 1 as const;
export type ProtocolVersion = typeof PROTOCOL_VERSION;

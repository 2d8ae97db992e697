export * from './version';
export * from './common';
export * from './errors';
export * from './devices';
export * from './outbox-events';
export * from './agent-hub';
export * from './ui-agent';
export * from './console-hub';

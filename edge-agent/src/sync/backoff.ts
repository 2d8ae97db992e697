// The backoff rule lives with the reconnect machine in protocols (the agent's hub link and the simulated
// kiosks of the tests share it); re-exported here for the agent's other retry loops (outbox-drain).
export { backoffDelay, type BackoffPolicy } from '@kiosk/protocols';

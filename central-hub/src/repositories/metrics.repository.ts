import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { ALERT_STATE_VALUES, COMMAND_STATUS_VALUES, KIOSK_STATUS_VALUES, type MetricSources } from './metric-sources';

export type { MetricSources } from './metric-sources';

/**
 * The hub's Prometheus metrics (prom-client), one registry per hub instance (tests run several hubs in
 * one process). Counters are incremented by the services where things happen; the gauges of fleet
 * state are read from storage when scraped, so they are never out of step with the database.
 */
export interface Metrics {
  eventsIngested(stored: number, duplicates: number): void;
  eventBatch(outcome: 'stored' | 'refused'): void;
  handshakeRefused(namespace: 'agent' | 'console', code: string): void;
  telemetryReceived(): void;
  login(outcome: 'ok' | 'refused' | 'locked'): void;
  commandQueued(): void;
  /** Where the scrape-time gauges read from (set once the repositories exist). */
  setSources(sources: MetricSources): void;
  render(): Promise<{ contentType: string; body: string }>;
}
export const METRICS = 'Metrics';

export class PromMetrics implements Metrics {
  private readonly registry = new Registry();
  private sources: MetricSources | undefined;
  private readonly events: Counter<'result'>;
  private readonly batches: Counter<'outcome'>;
  private readonly refusals: Counter<'namespace' | 'code'>;
  private readonly telemetry: Counter;
  private readonly logins: Counter<'outcome'>;
  private readonly commands: Counter;

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.events = new Counter({ name: 'hub_events_ingested_total', help: 'Outbox events received, by result', labelNames: ['result'], registers });
    this.batches = new Counter({ name: 'hub_event_batches_total', help: 'Event batches answered, by outcome', labelNames: ['outcome'], registers });
    this.refusals = new Counter({
      name: 'hub_handshake_refusals_total',
      help: 'Socket connections refused at the handshake, by namespace and error code',
      labelNames: ['namespace', 'code'],
      registers,
    });
    this.telemetry = new Counter({ name: 'hub_telemetry_received_total', help: 'Heartbeats received', registers });
    this.logins = new Counter({ name: 'hub_logins_total', help: 'Technician logins, by outcome', labelNames: ['outcome'], registers });
    this.commands = new Counter({ name: 'hub_commands_queued_total', help: 'Commands queued by technicians', registers });

    // `collect` runs with the gauge as `this`; the sources are reached through this arrow instead.
    const sources = () => this.sources;
    new Gauge({
      name: 'hub_kiosks',
      help: 'Enrolled kiosks by derived status',
      labelNames: ['status'],
      registers,
      async collect() {
        const counts = (await sources()?.kioskStatusCounts()) ?? new Map<string, number>();
        for (const status of KIOSK_STATUS_VALUES) this.set({ status }, counts.get(status) ?? 0);
      },
    });
    new Gauge({
      name: 'hub_alerts',
      help: 'Unresolved alerts by state and kind',
      labelNames: ['state', 'kind'],
      registers,
      async collect() {
        this.reset();
        for (const state of ALERT_STATE_VALUES) this.set({ state, kind: 'all' }, 0);
        for (const { state, kind, count } of (await sources()?.alertCounts()) ?? []) {
          this.set({ state, kind }, count);
          this.inc({ state, kind: 'all' }, count);
        }
      },
    });
    new Gauge({
      name: 'hub_commands',
      help: 'Commands by delivery status',
      labelNames: ['status'],
      registers,
      async collect() {
        const counts = (await sources()?.commandCounts()) ?? new Map<string, number>();
        for (const status of COMMAND_STATUS_VALUES) this.set({ status }, counts.get(status) ?? 0);
      },
    });
    new Gauge({
      name: 'hub_socket_connections',
      help: 'Connected sockets by namespace',
      labelNames: ['namespace'],
      registers,
      collect() {
        const counts = sources()?.connections() ?? { agents: 0, consoles: 0 };
        this.set({ namespace: 'agent' }, counts.agents);
        this.set({ namespace: 'console' }, counts.consoles);
      },
    });
  }

  eventsIngested(stored: number, duplicates: number): void {
    if (stored > 0) this.events.inc({ result: 'stored' }, stored);
    if (duplicates > 0) this.events.inc({ result: 'duplicate' }, duplicates);
  }

  eventBatch(outcome: 'stored' | 'refused'): void {
    this.batches.inc({ outcome });
  }

  handshakeRefused(namespace: 'agent' | 'console', code: string): void {
    this.refusals.inc({ namespace, code });
  }

  telemetryReceived(): void {
    this.telemetry.inc();
  }

  login(outcome: 'ok' | 'refused' | 'locked'): void {
    this.logins.inc({ outcome });
  }

  commandQueued(): void {
    this.commands.inc();
  }

  setSources(sources: MetricSources): void {
    this.sources = sources;
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

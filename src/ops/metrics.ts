import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One Prometheus registry per process (not the global one, so tests can build many apps). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'capconduit_' });
  const httpDuration = new Histogram({
    name: 'capconduit_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const loginFailures = new Counter({
    name: 'capconduit_login_failures_total',
    help: 'Failed login attempts',
    registers: [registry],
  });
  const agiDuration = new Histogram({
    name: 'capconduit_agi_request_duration_seconds',
    help: 'FastAGI conversation duration by script and outcome',
    labelNames: ['script', 'ok'] as const,
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
    registers: [registry],
  });
  const workerRuns = new Counter({
    name: 'capconduit_worker_items_total',
    help: 'Calls finished by background jobs (expired reservations, reconciled CDRs)',
    labelNames: ['job'] as const,
    registers: [registry],
  });
  const ariEvents = new Histogram({
    name: 'capconduit_ari_event_duration_seconds',
    help: 'Time to handle one ARI event in the connector, by event type and outcome',
    labelNames: ['type', 'ok'] as const,
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
    registers: [registry],
  });
  const unhandledRejections = new Counter({
    name: 'capconduit_unhandled_rejections_total',
    help: 'Promises rejected with nobody to handle them (bugs: each is logged with its stack)',
    registers: [registry],
  });
  return { registry, httpDuration, loginFailures, agiDuration, workerRuns, ariEvents, unhandledRejections };
}

export type Metrics = ReturnType<typeof createMetrics>;

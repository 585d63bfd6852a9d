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
  return { registry, httpDuration, loginFailures };
}

export type Metrics = ReturnType<typeof createMetrics>;

import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';

export interface Job {
  name: string;
  everyMs: number;
  /** Returns how many items it handled. */
  run(): Promise<number>;
}

/**
 * Runs background jobs on intervals. A job never overlaps itself; a failure is logged and the
 * job runs again at its next tick. Every process may run the worker role: the jobs claim
 * their rows in PostgreSQL, so two workers never finish the same call twice.
 */
export function startWorker(jobs: Job[], deps: { log: Pick<Logger, 'info' | 'error'>; metrics?: Metrics }) {
  const timers = jobs.map((job) => {
    let running: Promise<void> | undefined;
    const tick = () => {
      if (running) return;
      running = job
        .run()
        .then((n) => {
          if (n > 0) {
            deps.metrics?.workerRuns.labels(job.name).inc(n);
            deps.log.info({ job: job.name, items: n }, 'worker job done');
          }
        })
        .catch((err: unknown) => deps.log.error({ err, job: job.name }, 'worker job failed'))
        .finally(() => (running = undefined));
    };
    return { timer: setInterval(tick, job.everyMs), idle: () => running ?? Promise.resolve() };
  });
  return {
    async stop(): Promise<void> {
      for (const t of timers) clearInterval(t.timer);
      await Promise.all(timers.map((t) => t.idle()));
    },
  };
}

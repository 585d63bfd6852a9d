import { Type } from 'typebox';
import type { Db } from '../db/db.js';
import { safeEqual } from '../auth/tokens.js';
import { AppError } from '../shared/errors.js';
import { createHealthRepo } from '../ops/health.repo.js';
import type { Metrics } from '../ops/metrics.js';
import type { App } from './types.js';

/** Liveness, readiness, Prometheus metrics and the OpenAPI document. */
export function opsRoutes(
  app: App,
  deps: { db: Db; metrics: Metrics; metricsToken: string | undefined },
): void {
  const health = createHealthRepo(deps.db);
  app.get(
    '/health',
    {
      config: { access: 'public' },
      schema: { hide: true, response: { 200: Type.Object({ status: Type.String() }) } },
    },
    async () => ({ status: 'ok' }),
  );

  app.get('/ready', { config: { access: 'public' }, schema: { hide: true } }, async (_req, reply) => {
    try {
      await health.ping();
      return { status: 'ready', database: deps.db.kind };
    } catch {
      return reply.status(503).send({ error: { code: 'unavailable', message: 'database unreachable' } });
    }
  });

  app.get('/metrics', { config: { access: 'public' }, schema: { hide: true } }, async (req, reply) => {
    if (deps.metricsToken !== undefined) {
      const given = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
      if (!safeEqual(given, deps.metricsToken))
        throw new AppError('unauthenticated', 'metrics need METRICS_TOKEN');
    }
    return reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  app.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
}

import Fastify, { type FastifyBaseLogger, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/db.js';
import { registerAriHealthMetrics } from '../ari/metrics.js';
import type { Metrics } from '../ops/metrics.js';
import type { Services } from '../services.js';
import { redactUrl } from '../shared/redact.js';
import { registerAuth } from './auth.plugin.js';
import { errorHandler, notFoundHandler } from './errors.js';
import { opsRoutes } from './ops.routes.js';
import { registerApiRoutes } from './routes.js';
import type { App } from './types.js';
import { createValidatorCompiler } from './validation.js';
import { pageFallback, registerWeb } from './web.js';

export interface AppDeps {
  db: Db;
  services: Services;
  metrics: Metrics;
  logger?: FastifyBaseLogger | boolean;
  trustProxy?: boolean;
  cookieSecure?: boolean;
  metricsToken?: string | undefined;
  internalApiToken?: string | undefined;
  callerIdApiToken?: string | undefined;
  version?: string;
  /** Serve the built dashboard (dist/web) when it exists; default true. */
  web?: boolean;
}

/**
 * A request as logged: Fastify's own fields, with secrets in the query string redacted (seed 003's
 * dialers send their token as `?token=`, and every request is logged at `info`).
 */
function requestForLog(req: FastifyRequest) {
  return {
    method: req.method,
    url: redactUrl(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

/** Builds the HTTP application without listening, so tests can inject or bind a port. */
export async function buildApp(deps: AppDeps): Promise<App> {
  // A serializer of the logger given overrides Fastify's default `req` serializer.
  const serializers = { req: requestForLog };
  const app = Fastify({
    loggerInstance: typeof deps.logger === 'object' ? deps.logger.child({}, { serializers }) : undefined,
    logger: typeof deps.logger === 'object' ? undefined : deps.logger === true ? { serializers } : false,
    trustProxy: deps.trustProxy ?? false,
    bodyLimit: 1_048_576,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;

  app.setValidatorCompiler(createValidatorCompiler());
  app.setErrorHandler(errorHandler);
  app.addHook('onSend', async (req, reply) => {
    void reply.header('x-request-id', req.id);
  });
  app.addHook('onResponse', async (req, reply) => {
    deps.metrics.httpDuration
      .labels(req.method, req.routeOptions.url ?? 'unmatched', String(reply.statusCode))
      .observe(reply.elapsedTime / 1000);
  });

  await app.register(cookie);
  // Security headers on every answer (a maintained library, not hand-written): a strict
  // Content-Security-Policy — the dashboard is one bundle from this origin, with no inline script,
  // no framing and no other origin to talk to — X-Frame-Options: DENY, nosniff, no referrer.
  // HSTS only when served over HTTPS (COOKIE_SECURE): on plain HTTP it would say nothing true.
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: deps.cookieSecure ? { maxAge: 31_536_000 } : false,
    // The dashboard loads nothing cross-origin; COEP would only break the API explorer's fonts.
    crossOriginEmbedderPolicy: false,
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'CapConduit API',
        version: deps.version ?? '0.1.0',
        description:
          'Inbound routing under exact caps, caller-ID rotation and call control for Asterisk. ' +
          'Authenticate with `POST /api/auth/login` (session cookie) or `Authorization: Bearer <token>`.\n\n' +
          '**Edits and versions.** What people edit (campaigns, links, clients, …) has a `version`: its GET ' +
          'answers it in the body and as `ETag: "<version>"`. Send that ETag back as `If-Match` with a ' +
          'PATCH, PUT or DELETE and the change is applied only if nobody saved the resource since; ' +
          'otherwise the answer is `412` (`precondition_failed`) with the current version in ' +
          '`error.details.version`, and nothing changes. Without `If-Match` the change is applied ' +
          'whatever the version (last write wins, as before versions existed). Calls moving counters ' +
          '(in flight, calls this hour, …) never change a version.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'capconduit_session' },
          internal: { type: 'apiKey', in: 'header', name: 'X-Internal-API-Token' },
          dialer: { type: 'apiKey', in: 'header', name: 'X-API-Token' },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // The API explorer sets styles inline: allowed on its own pages only.
    transformStaticCSP: (header) => header.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
  });

  registerAuth(app, deps.services.auth, { internal: deps.internalApiToken, dialer: deps.callerIdApiToken });
  opsRoutes(app, { db: deps.db, metrics: deps.metrics, metricsToken: deps.metricsToken });
  registerAriHealthMetrics(deps.metrics.registry, deps.services.servers);
  registerApiRoutes(app, deps.services, { cookieSecure: deps.cookieSecure ?? false });
  const web = deps.web !== false && (await registerWeb(app));
  app.setNotFoundHandler(web ? pageFallback : notFoundHandler);
  await app.ready();
  return app;
}

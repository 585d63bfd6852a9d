import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../http/auth.plugin.js';
import { errorResponses, IdParams, NoContent, PageOf, PageQuery } from '../http/schemas.js';
import type { App } from '../http/types.js';
import type { Services } from '../services.js';
import { AppError } from '../shared/errors.js';
import {
  NewPostbackKey,
  Postback,
  PostbackAnswer,
  PostbackBody,
  PostbackKeys,
  PostbackQuery,
  RotateBody,
} from './postbacks.schemas.js';

const tags = ['postbacks'];
const managers = { access: ['admin', 'staff'] as const };
/** The buyer's CRM signs; no session, no token. */
const publicRoute = { access: 'public' as const };
const postbackResponses = { 200: PostbackAnswer, ...errorResponses, 429: errorResponses[400] };

/** Every parameter as the text that was signed. */
function asText(values: Record<string, string | number | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) if (v !== undefined) out[k] = String(v);
  return out;
}

/** A form body as parameters; a parameter given twice is refused (which one was signed?). */
function parseForm(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(body)) {
    if (k in out) throw new AppError('validation_failed', `parameter ${k} is given more than once`);
    out[k] = v;
  }
  return out;
}

/** The public postback URL buyers' CRMs call, and the keys and audit admins and staff manage. */
export function postbacksRoutes(app: App, { postbacks }: Services): void {
  void app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<TypeBoxTypeProvider>();
    // Form bodies only here: CRMs post forms as often as JSON; the rest of the API takes JSON.
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_req, body, done) => {
        try {
          done(null, parseForm(body as string));
        } catch (e) {
          done(e as Error, undefined);
        }
      },
    );
    const origin = (req: { id: string; ip: string }) => ({
      requestId: req.id,
      remoteAddress: req.ip || null,
    });

    scope.get(
      '/postback/conversions',
      {
        config: publicRoute,
        schema: {
          tags,
          security: [],
          summary: 'A buyer’s CRM confirms or reverses a conversion (signed query string: GET pixels)',
          querystring: PostbackQuery,
          response: postbackResponses,
        },
      },
      async (req) => postbacks.receive(asText(req.query), origin(req)),
    );

    scope.post(
      '/postback/conversions',
      {
        config: publicRoute,
        schema: {
          tags,
          security: [],
          summary: 'A buyer’s CRM confirms or reverses a conversion (signed JSON or form body)',
          body: PostbackBody,
          response: postbackResponses,
        },
      },
      async (req) => postbacks.receive(asText(req.body), origin(req)),
    );
  });

  app.get(
    '/api/clients/:id/postback-keys',
    {
      config: managers,
      schema: {
        tags,
        summary: 'A buyer’s postback keys in use (never their secrets)',
        params: IdParams,
        response: { 200: PostbackKeys, ...errorResponses },
      },
    },
    async (req) => postbacks.keys(req.params.id),
  );

  app.post(
    '/api/clients/:id/postback-keys/rotate',
    {
      config: managers,
      schema: {
        tags,
        summary: 'A new postback key for the buyer; its secret is shown only in this answer',
        params: IdParams,
        body: Type.Optional(RotateBody),
        response: { 201: NewPostbackKey, ...errorResponses },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(await postbacks.rotateKey(actorOf(req), req.params.id, req.body?.grace_hours ?? 0)),
  );

  app.delete(
    '/api/clients/:id/postback-keys',
    {
      config: managers,
      schema: {
        tags,
        summary: 'Every postback key of the buyer stops working now',
        params: IdParams,
        response: { 204: NoContent, ...errorResponses },
      },
    },
    async (req, reply) => {
      await postbacks.revokeKeys(req.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/clients/:id/postbacks',
    {
      config: managers,
      schema: {
        tags,
        summary:
          'The postbacks a buyer sent with a valid signature (applied, unchanged, refused), newest first',
        params: IdParams,
        querystring: Type.Object(PageQuery),
        response: { 200: PageOf(Postback), ...errorResponses },
      },
    },
    async (req) => postbacks.forClient(req.params.id, req.query),
  );

  app.get(
    '/api/calls/:id/postbacks',
    {
      config: { access: ['admin', 'staff', 'seller'] as const },
      schema: {
        tags,
        summary: 'The buyers’ postbacks about a call, newest first (a seller: their own calls)',
        params: IdParams,
        response: { 200: Type.Array(Postback), ...errorResponses },
      },
    },
    async (req) => postbacks.forCall(actorOf(req), req.params.id),
  );
}

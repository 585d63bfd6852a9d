import { Type } from 'typebox';
import { actorOf } from '../http/auth.plugin.js';
import { errorResponses, Nullable, Strict, Timestamp } from '../http/schemas.js';
import type { App } from '../http/types.js';
import { expectedVersion, IfMatchHeaders, versionedResponses, withEtag } from '../http/versions.js';
import type { Services } from '../services.js';

const Value = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);
const Setting = Type.Object({
  key: Type.String(),
  type: Type.String(),
  value: Value,
  default: Value,
  label: Type.String({ description: 'What a person reads instead of the key' }),
  description: Type.String(),
  min: Type.Optional(Type.Number()),
  max: Type.Optional(Type.Number()),
  updated_at: Nullable(Timestamp),
  version: Type.Integer({
    description:
      'Bumped by every change; 0 while never changed. Sent back as `If-Match: "<version>"` (also the ETag)',
  }),
});
const KeyParams = Type.Object({ key: Type.String({ maxLength: 100 }) });
const tags = ['settings'];

export function settingsRoutes(app: App, { settings }: Services): void {
  app.get(
    '/api/settings',
    {
      config: { access: ['admin'] },
      schema: {
        tags,
        summary: 'All system settings with types and defaults',
        response: { 200: Type.Object({ items: Type.Array(Setting) }) },
      },
    },
    async () => ({ items: await settings.list() }),
  );

  app.get(
    '/api/settings/:key',
    {
      config: { access: ['admin'] },
      schema: {
        tags,
        summary: 'One setting (ETag: its version)',
        params: KeyParams,
        response: { 200: Setting, ...errorResponses },
      },
    },
    async (req, reply) => withEtag(reply, await settings.get(req.params.key)),
  );

  app.put(
    '/api/settings/:key',
    {
      config: { access: ['admin'] },
      schema: {
        tags,
        summary:
          'Change a setting (the value must match its type and bounds; with If-Match: only if nobody changed it since, `"0"` for one never changed)',
        params: KeyParams,
        headers: IfMatchHeaders,
        body: Strict({ value: Value }),
        response: { 200: Setting, ...versionedResponses },
      },
    },
    async (req, reply) =>
      withEtag(reply, await settings.set(actorOf(req), req.params.key, req.body.value, expectedVersion(req))),
  );
}

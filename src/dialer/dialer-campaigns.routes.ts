import { Type } from 'typebox';
import { actorOf } from '../http/auth.plugin.js';
import { errorResponses, IdParams, NoContent, PageOf, PageQuery } from '../http/schemas.js';
import type { App } from '../http/types.js';
import { expectedVersion, IfMatchHeaders, versionedResponses, withEtag } from '../http/versions.js';
import type { Services } from '../services.js';
import {
  CampaignReply,
  CreateBody,
  DialerCampaignSchema,
  DialerStatus,
  PatchBody,
  RegionWindowSchema,
  WindowBody,
  WindowParams,
} from './dialer-campaigns.schemas.js';

const tags = ['dialer'];
const managers = { access: ['admin', 'staff'] as const };
/** Agents read the campaigns their console needs, narrowed to what it shows. */
const readers = { access: ['admin', 'staff', 'agent'] as const };

/** Dialer campaigns and the per-region calling windows. */
export function dialerCampaignsRoutes(app: App, { dialerCampaigns: svc }: Services): void {
  app.get(
    '/api/dialer/campaigns',
    {
      config: readers,
      schema: {
        tags,
        summary:
          'Dialer campaigns, newest first; archived ones only with status=archived (agents: id, name, status, mode, dispositions)',
        querystring: Type.Object({ ...PageQuery, status: Type.Optional(DialerStatus) }),
        response: { 200: PageOf(CampaignReply), ...errorResponses },
      },
    },
    async (req) => {
      const { limit, offset, status } = req.query;
      return svc.list(actorOf(req), { status }, { limit, offset });
    },
  );

  app.post(
    '/api/dialer/campaigns',
    {
      config: managers,
      schema: {
        tags,
        summary: 'Create a dialer campaign (paused unless told; active needs server_id)',
        body: CreateBody,
        response: { 201: DialerCampaignSchema, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await svc.create(req.body)),
  );

  app.get(
    '/api/dialer/campaigns/:id',
    {
      config: readers,
      schema: {
        tags,
        summary: 'One dialer campaign (agents: id, name, status, mode, dispositions)',
        params: IdParams,
        response: { 200: CampaignReply, ...errorResponses },
      },
    },
    async (req, reply) => {
      const c = await svc.show(actorOf(req), req.params.id);
      // Agents see a part of the campaign and edit nothing: no version for them.
      return 'version' in c ? withEtag(reply, c) : c;
    },
  );

  app.patch(
    '/api/dialer/campaigns/:id',
    {
      config: managers,
      schema: {
        tags,
        summary:
          'Change a dialer campaign; with If-Match (or the older body `version`), refused (412) if someone changed it since (a status restores an archived one)',
        params: IdParams,
        headers: IfMatchHeaders,
        body: PatchBody,
        response: { 200: DialerCampaignSchema, ...versionedResponses },
      },
    },
    async (req, reply) => withEtag(reply, await svc.update(req.params.id, req.body, expectedVersion(req))),
  );

  app.delete(
    '/api/dialer/campaigns/:id',
    {
      config: managers,
      schema: {
        tags,
        summary:
          'Archive a dialer campaign (refused while agents are in it or its calls are in progress; with If-Match: only if nobody changed it since)',
        params: IdParams,
        headers: IfMatchHeaders,
        response: { 204: NoContent, ...versionedResponses },
      },
    },
    async (req, reply) => {
      await svc.archive(req.params.id, expectedVersion(req));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/dialer/windows',
    {
      config: managers,
      schema: {
        tags,
        summary:
          "Regions' own calling windows (others use the settings dialer.window_start / dialer.window_end)",
        response: { 200: Type.Object({ items: Type.Array(RegionWindowSchema) }), ...errorResponses },
      },
    },
    async () => ({ items: await svc.windows() }),
  );

  app.put(
    '/api/dialer/windows/:country/:region',
    {
      config: managers,
      schema: {
        tags,
        summary: "Set a region's calling window, in the lead's local time",
        params: WindowParams,
        body: WindowBody,
        response: { 200: RegionWindowSchema, ...errorResponses },
      },
    },
    async (req) => svc.putWindow(req.params.country, req.params.region, req.body),
  );

  app.delete(
    '/api/dialer/windows/:country/:region',
    {
      config: managers,
      schema: {
        tags,
        summary: "Remove a region's calling window (the default applies again)",
        params: WindowParams,
        response: { 204: NoContent, ...errorResponses },
      },
    },
    async (req, reply) => {
      await svc.deleteWindow(req.params.country, req.params.region);
      return reply.status(204).send(null);
    },
  );
}

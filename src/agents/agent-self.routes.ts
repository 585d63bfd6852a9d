import { actorOf } from '../http/auth.plugin.js';
import { errorResponses } from '../http/schemas.js';
import type { App } from '../http/types.js';
import type { Services } from '../services.js';
import { AgentSchema, StatusChangeSchema } from './agents.schemas.js';

const tags = ['agents'];
const agentOnly = { access: ['agent'] as const };

/** An agent's own record and status: the agent is the actor, so no id can name another agent. */
export function agentSelfRoutes(app: App, { agents, agentStatus }: Services): void {
  app.get(
    '/api/me/agent',
    {
      config: agentOnly,
      schema: {
        tags,
        summary: 'My extension, status and phone registration (no secret)',
        response: { 200: AgentSchema, ...errorResponses },
      },
    },
    async (req) => agents.mine(actorOf(req)),
  );

  app.put(
    '/api/me/agent/status',
    {
      config: agentOnly,
      schema: {
        tags,
        summary:
          'Set my status: available, paused (with a reason) or offline; during a call a pause is taken after it',
        body: StatusChangeSchema,
        response: { 200: AgentSchema, ...errorResponses },
      },
    },
    async (req) => {
      const me = await agents.mine(actorOf(req));
      await agentStatus.change(me.id, req.body);
      return agents.mine(actorOf(req));
    },
  );
}

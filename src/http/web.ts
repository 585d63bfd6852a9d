import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { notFoundHandler } from './errors.js';
import type { App } from './types.js';

/** Where `npm run build` puts the dashboard (vite, web/ → dist/web). */
export const WEB_DIR = fileURLToPath(new URL('../../dist/web/', import.meta.url));

/** Paths that are never dashboard pages: an unknown one of these is a JSON 404. */
const NOT_PAGES = /^\/(api|docs|openapi\.json|health|ready|metrics|next-cid|add-number|report-cid)(\/|$|\?)/;

/**
 * Serves the dashboard's built assets (see pageFallback for page addresses). The dashboard is an ordinary client
 * of the JSON API; nothing here reads data.
 */
export async function registerWeb(app: App, dir = WEB_DIR): Promise<boolean> {
  const index = `${dir}index.html`;
  if (!existsSync(index)) return false;
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    // Looked up per request, so a rebuild while the server runs is served at once.
    wildcard: true,
    index: 'index.html',
    // Hashed file names under /assets never change; index.html must always be revalidated.
    setHeaders: (res, path) => {
      void res.header(
        'cache-control',
        path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  return true;
}

/** The not-found handler when the dashboard is served: page addresses get its index.html. */
export function pageFallback(req: FastifyRequest, reply: FastifyReply) {
  const wantsPage =
    (req.method === 'GET' || req.method === 'HEAD') &&
    !NOT_PAGES.test(req.url) &&
    !req.url.startsWith('/assets/') &&
    (req.headers.accept ?? '').includes('text/html');
  if (!wantsPage) return notFoundHandler(req, reply);
  return reply.header('cache-control', 'no-cache').sendFile('index.html');
}

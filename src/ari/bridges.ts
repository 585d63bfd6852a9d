/**
 * `/bridges` of ARI (rest-api/api-docs/bridges.json). addChannel answers 400 for an unknown
 * channel and 422 for one not in Stasis, unlike the channel operations (404/409).
 */
import { recordQuery } from './channels.js';
import type { AriClient } from './client.js';
import { shapes } from './models.shapes.js';
import { listOf } from './shape.js';
import type { AriTransport } from './transport.js';
import { segment, type QueryParams } from './url.js';

type BridgesApi = AriClient['bridges'];

/** The `/bridges` operations, bound to one server's transport. */
export function bridgesApi(t: AriTransport): BridgesApi {
  const path = (id: string, tail = '') => `/bridges/${segment(id)}${tail}`;
  const post = async (id: string, tail: string, query?: QueryParams) =>
    t.empty({ method: 'POST', path: path(id, tail), query });
  return {
    list: async () => t.json({ method: 'GET', path: '/bridges' }, listOf(shapes.bridge)),
    get: async (id) => t.json({ method: 'GET', path: path(id) }, shapes.bridge),
    create: async (p = {}) =>
      t.json(
        { method: 'POST', path: '/bridges', query: { type: p.type, bridgeId: p.bridgeId, name: p.name } },
        shapes.bridge,
      ),
    destroy: async (id) => t.empty({ method: 'DELETE', path: path(id) }),
    addChannel: (id, channel, o = {}) =>
      post(id, '/addChannel', {
        channel,
        role: o.role,
        absorbDTMF: o.absorbDTMF,
        mute: o.mute,
        inhibitConnectedLineUpdates: o.inhibitConnectedLineUpdates,
      }),
    removeChannel: (id, channel) => post(id, '/removeChannel', { channel }),
    record: async (id, p) =>
      t.json(
        { method: 'POST', path: path(id, '/record'), query: recordQuery(p, p.recorderFormat) },
        shapes.liveRecording,
      ),
    startMoh: (id, mohClass) => post(id, '/moh', { mohClass }),
    stopMoh: async (id) => t.empty({ method: 'DELETE', path: path(id, '/moh') }),
  };
}

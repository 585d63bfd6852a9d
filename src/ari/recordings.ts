/**
 * `/recordings` of ARI (rest-api/api-docs/recordings.json): live recordings are controlled by
 * name while they run; stored ones are files in Asterisk's spool, listed, fetched and deleted.
 * Listing fails with 500 when the spool's `recording` directory does not exist (captured).
 */
import { Readable } from 'node:stream';
import type { ReadableStream as NodeWebStream } from 'node:stream/web';
import type { AriClient } from './client.js';
import { shapes } from './models.shapes.js';
import { listOf } from './shape.js';
import type { AriTransport } from './transport.js';
import { segment } from './url.js';

/** A stored recording's file as it streams from Asterisk. Read it once, or cancel it. */
export interface StoredRecordingFile {
  /** `audio/wav` for a wav recording (Asterisk names it `<media type>/<extension>`). */
  contentType: string | undefined;
  /** Bytes, when Asterisk sent a length. */
  contentLength: number | undefined;
  /** The bytes as a web stream. */
  body: ReadableStream<Uint8Array>;
  /** The same bytes as a Node stream (for `pipeline` to a file or an HTTP reply). */
  toNodeStream(): Readable;
}

type RecordingsApi = AriClient['recordings'];

/** The `/recordings` operations, bound to one server's transport. */
export function recordingsApi(t: AriTransport): RecordingsApi {
  const live = (name: string, tail = '') => `/recordings/live/${segment(name)}${tail}`;
  const stored = (name: string, tail = '') => `/recordings/stored/${segment(name)}${tail}`;
  const command = async (method: 'POST' | 'DELETE', path: () => string) => t.empty({ method, path: path() });
  return {
    getLive: async (name) => t.json({ method: 'GET', path: live(name) }, shapes.liveRecording),
    stop: (name) => command('POST', () => live(name, '/stop')),
    cancel: (name) => command('DELETE', () => live(name)),
    pause: (name) => command('POST', () => live(name, '/pause')),
    unpause: (name) => command('DELETE', () => live(name, '/pause')),
    mute: (name) => command('POST', () => live(name, '/mute')),
    unmute: (name) => command('DELETE', () => live(name, '/mute')),
    listStored: async () =>
      t.json({ method: 'GET', path: '/recordings/stored' }, listOf(shapes.storedRecording)),
    getStored: async (name) => t.json({ method: 'GET', path: stored(name) }, shapes.storedRecording),
    deleteStored: (name) => command('DELETE', () => stored(name)),
    getStoredFile: async (name) => {
      const answer = await t.stream({ method: 'GET', path: stored(name, '/file') });
      return {
        ...answer,
        toNodeStream: () => Readable.fromWeb(answer.body as NodeWebStream<Uint8Array>),
      };
    },
  };
}

/** A server-sent event as a test reads it: its name and its parsed data. */
export interface SseEvent {
  event: string;
  data: any;
}

/**
 * Opens an SSE stream with a bearer token and keeps every event it sends, in order, so a test can
 * wait for one and afterwards check what else did (or did not) arrive.
 */
export async function openSse(url: string, token: string) {
  const abort = new AbortController();
  const res = await fetch(url, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: abort.signal,
  });
  if (res.status !== 200) throw new Error(`stream answered ${res.status}: ${await res.text()}`);
  const events: SseEvent[] = [];
  const waiters = new Set<() => void>();
  let ended = false;
  void (async () => {
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) break;
        buffer += decoder.decode(chunk.value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const name = /^event: (.*)$/m.exec(block)?.[1];
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('\n');
          if (name && data) events.push({ event: name, data: JSON.parse(data) });
        }
        for (const w of waiters) w();
      }
    } catch {
      // aborted
    } finally {
      ended = true;
      for (const w of waiters) w();
    }
  })();

  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    events,
    /** The first event from index `from` on that matches; fails after `ms`. */
    async next(match: (e: SseEvent) => boolean, what: string, ms = 5000, from = 0): Promise<SseEvent> {
      const deadline = Date.now() + ms;
      for (;;) {
        const found = events.slice(from).find(match);
        if (found) return found;
        if (ended) throw new Error(`stream ended before ${what}`);
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(
            `no ${what} in ${ms} ms; got ${events.map((e) => e.event).join(', ') || 'nothing'}`,
          );
        await new Promise<void>((resolve) => {
          const t = setTimeout(done, left);
          function done() {
            clearTimeout(t);
            waiters.delete(done);
            resolve();
          }
          waiters.add(done);
        });
      }
    },
    /** True once the server ended the stream (or it was closed). */
    get ended() {
      return ended;
    },
    close: () => abort.abort(),
  };
}

export type SseStream = Awaited<ReturnType<typeof openSse>>;

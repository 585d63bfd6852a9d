/**
 * Natural batching: jobs go to `run` at once while fewer than `maxInFlight` runs are under way;
 * the jobs that arrive meanwhile wait and go together in the next run (at most `maxBatch`).
 * A lone job never waits for a timer, and a burst costs a few runs instead of one per job: the
 * database does the work of many requests in one statement and one commit.
 */
export interface Batcher<J, R> {
  submit(job: J): Promise<R>;
  /** Nothing queued and nothing running. */
  readonly idle: boolean;
}

interface Waiting<J, R> {
  job: J;
  resolve(r: R): void;
  reject(e: unknown): void;
}

export function createBatcher<J, R>(
  /** Returns one result per job, in the jobs' order. */
  run: (jobs: J[]) => Promise<R[]>,
  opts: { maxInFlight: number; maxBatch: number; onIdle?: () => void },
): Batcher<J, R> {
  const queue: Waiting<J, R>[] = [];
  let inFlight = 0;

  function pump(): void {
    while (inFlight < opts.maxInFlight && queue.length > 0) {
      const batch = queue.splice(0, opts.maxBatch);
      inFlight++;
      void Promise.resolve()
        .then(() => run(batch.map((w) => w.job)))
        .then(
          (results) => {
            batch.forEach((w, i) =>
              i < results.length
                ? w.resolve(results[i]!)
                : w.reject(new Error('batch returned too few results')),
            );
          },
          (err: unknown) => batch.forEach((w) => w.reject(err)),
        )
        .finally(() => {
          inFlight--;
          pump();
          if (inFlight === 0 && queue.length === 0) opts.onIdle?.();
        });
    }
  }

  return {
    submit(job: J): Promise<R> {
      return new Promise<R>((resolve, reject) => {
        queue.push({ job, resolve, reject });
        pump();
      });
    },
    get idle() {
      return inFlight === 0 && queue.length === 0;
    },
  };
}

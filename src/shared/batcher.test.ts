import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createBatcher } from './batcher.js';

/** A run the test finishes by hand, recording the batches it was given. */
function manualRun() {
  const batches: number[][] = [];
  const finish: (() => void)[] = [];
  const run = (jobs: number[]) => {
    batches.push(jobs);
    return new Promise<number[]>((resolve) => finish.push(() => resolve(jobs.map((j) => j * 10))));
  };
  return { run, batches, finish };
}

const tick = () => new Promise((r) => setImmediate(r));

test('a lone job goes at once; jobs arriving while runs are busy go together in the next one', async () => {
  const m = manualRun();
  let idle = 0;
  const b = createBatcher(m.run, { maxInFlight: 2, maxBatch: 3, onIdle: () => idle++ });
  const results = [1, 2, 3, 4, 5, 6, 7].map((j) => b.submit(j));
  await tick();
  assert.deepEqual(m.batches, [[1], [2]]);
  m.finish.shift()!();
  await tick();
  assert.deepEqual(m.batches, [[1], [2], [3, 4, 5]]);
  while (m.finish.length > 0) {
    m.finish.shift()!();
    await tick();
  }
  assert.deepEqual(m.batches, [[1], [2], [3, 4, 5], [6, 7]]);
  assert.deepEqual(await Promise.all(results), [10, 20, 30, 40, 50, 60, 70]);
  assert.equal(b.idle, true);
  assert.equal(idle, 1);
});

test('a failed run rejects its own jobs only, and the next jobs still run', async () => {
  let calls = 0;
  const b = createBatcher(
    async (jobs: number[]) => {
      if (calls++ === 0) throw new Error('database went away');
      return jobs;
    },
    { maxInFlight: 1, maxBatch: 10 },
  );
  const first = b.submit(1);
  const second = b.submit(2);
  await assert.rejects(first, /database went away/);
  assert.equal(await second, 2);
});

test('a run that returns too few results rejects the jobs left without one', async () => {
  const b = createBatcher(async (jobs: number[]) => jobs.slice(0, 1), { maxInFlight: 1, maxBatch: 10 });
  const a = b.submit(1);
  const c = b.submit(2);
  const d = b.submit(3);
  assert.equal(await a, 1);
  assert.equal(await c, 2);
  await assert.rejects(d, /too few results/);
});

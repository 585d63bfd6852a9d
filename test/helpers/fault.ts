import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServices } from '../../src/services.js';
import { systemClock } from '../../src/shared/clock.js';
import { createTestDb, type TestDatabase } from './db.js';
import { startCapConduit, type CapConduitProcess } from './process.js';
import { scenario, type Scenario } from './scenario.js';

/** The fault suite's ground: a throwaway PostgreSQL database, one campaign, its link capped at `cap`. */
export async function cappedCampaign(cap: number): Promise<{ tdb: TestDatabase; sc: Scenario }> {
  const tdb = await createTestDb('postgres');
  const s = createServices({
    db: tdb.db,
    clock: systemClock,
    config: { sessionTtlHours: 1, loginMaxFailures: 5, loginLockoutSeconds: 60, defaultPhoneRegion: 'US' },
  });
  return { tdb, sc: await scenario(s, { links: [{ max_concurrency: cap }] }) };
}

/** `count` CapConduit processes started one after the other, each with a DATA_DIR of its own. */
export async function startNodes(
  count: number,
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<CapConduitProcess[]> {
  const nodes: CapConduitProcess[] = [];
  for (let i = 0; i < count; i++) {
    nodes.push(
      await startCapConduit(args, { ...env, DATA_DIR: mkdtempSync(join(tmpdir(), `cc-node-${i}-`)) }, ready),
    );
  }
  return nodes;
}

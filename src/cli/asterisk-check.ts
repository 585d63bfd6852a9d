/**
 * `capconduit asterisk-config --check DIR`: reads the directory, the active clients (when
 * DATABASE_URL is set) and prints one line per finding. Returns the exit code.
 */
import { checkAsterisk, exitCode, formatFinding, type ClientTarget } from '../asterisk/check.js';
import { readConfigDir } from '../asterisk/check-fs.js';
import { databaseFromUrl } from '../asterisk/config.js';
import { createClientsRepo } from '../clients/clients.repo.js';
import { createPostgresDb } from '../db/postgres.js';

async function readClients(
  databaseUrl: string | undefined,
): Promise<{ clients?: ClientTarget[]; skipped?: string }> {
  if (databaseUrl === undefined) return { skipped: 'DATABASE_URL is not set' };
  const db = createPostgresDb({ connectionString: databaseUrl, max: 1, applicationName: 'capconduit-check' });
  try {
    return { clients: await createClientsRepo(db).sipTargets() };
  } catch (err) {
    return { skipped: `the clients could not be read (${(err as Error).message})` };
  } finally {
    await db.close();
  }
}

export async function runAsteriskCheck(
  dir: string,
  databaseUrl: string | undefined,
  print: (line: string) => void,
): Promise<number> {
  const confs = readConfigDir(dir);
  const { clients, skipped } = await readClients(databaseUrl);
  const findings = checkAsterisk({
    confs,
    database: databaseFromUrl(databaseUrl),
    clients,
    ...(skipped === undefined ? {} : { clientsSkipped: skipped }),
  });
  for (const f of findings) print(formatFinding(f));
  const count = (s: string) => findings.filter((f) => f.severity === s).length;
  print(`${count('error')} error(s), ${count('warning')} warning(s) in ${dir}`);
  return exitCode(findings);
}

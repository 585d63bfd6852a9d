/** npm run sql — writes the hot-path statements to sql/*.sql (see scripts/sql-snapshots.ts). */
import { writeFileSync } from 'node:fs';
import { sqlSnapshots } from './sql-snapshots.js';

for (const [file, text] of Object.entries(sqlSnapshots()))
  writeFileSync(new URL(`../sql/${file}`, import.meta.url), text);
console.log(`wrote ${Object.keys(sqlSnapshots()).join(', ')} to sql/`);

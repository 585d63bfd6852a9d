import { createPgliteDb } from '../../src/db/pglite.js';
import { buildApp } from '../../src/http/app.js';
import { createMetrics } from '../../src/ops/metrics.js';
import { createServices } from '../../src/services.js';
import { systemClock } from '../../src/shared/clock.js';

/** The server's OpenAPI document as committed text (pretty JSON, trailing newline). */
export async function generateOpenApi(): Promise<string> {
  const db = await createPgliteDb(undefined);
  try {
    const services = createServices({
      db,
      clock: systemClock,
      config: {
        sessionTtlHours: 12,
        loginMaxFailures: 5,
        loginLockoutSeconds: 900,
        defaultPhoneRegion: 'US',
      },
    });
    const app = await buildApp({ db, services, metrics: createMetrics() });
    const doc = app.swagger();
    await app.close();
    return `${JSON.stringify(doc, null, 2)}\n`;
  } finally {
    await db.close();
  }
}

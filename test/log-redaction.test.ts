import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { startCapConduit } from './helpers/process.js';

const CID_TOKEN = 'cid-token-SECRET-0123456789';
const AGI_SECRET = 'agi-SECRET-in-the-dialplan';

/** Sends a FastAGI header block and waits for the server to close the connection. */
function agi(port: number, header: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`${header}\n\n`));
    socket.on('data', () => undefined);
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
}

describe('secrets in URLs stay out of the logs', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'capconduit-redact-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test('a token in ?token= or in an agi:// URL is logged as [REDACTED]', async () => {
    const p = await startCapConduit(
      [],
      {
        DATA_DIR: dataDir,
        CAPCONDUIT_DEMO: 'false',
        CAPCONDUIT_ADMIN_PASSWORD: 'admin-password-1',
        CID_API_TOKEN: CID_TOKEN,
        LOG_LEVEL: 'info',
      },
      /running at (http:\S+)[\s\S]*FastAGI listening on \S+:(\d+)/,
    );
    try {
      const [, url, agiPort] = p.match;
      const served = await fetch(`${url}/next-cid?to=3125550100&token=${CID_TOKEN}&campaign=SALES`);
      const refused = await fetch(`${url}/next-cid?to=3125550100&token=wrong-${CID_TOKEN}`);
      await agi(
        Number(agiPort),
        `agi_network_script: nosuch?token=${AGI_SECRET}\nagi_request: agi://127.0.0.1/nosuch?token=${AGI_SECRET}`,
      );
      await agi(Number(agiPort), `agi_request agi://127.0.0.1/cid?secret=${AGI_SECRET}`);

      assert.deepEqual([served.status, refused.status], [409, 401]); // the pool is empty
    } finally {
      assert.equal(await p.stop(), 0);
    }

    const out = p.output();
    assert.match(out, /"url":"\/next-cid\?to=3125550100&token=\[REDACTED\]&campaign=SALES"/);
    assert.match(out, /"url":"agi:\/\/127\.0\.0\.1\/nosuch\?token=\[REDACTED\]"/);
    assert.match(out, /not an AGI header line: .*cid\?secret=\[REDACTED\]/);
    assert.doesNotMatch(out, /SECRET/);
  });
});

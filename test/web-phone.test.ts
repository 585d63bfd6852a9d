import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalisePhone } from '../src/shared/phone.js';
import { checkNumber, loadPhoneLib } from '../web/src/phone.js';

// The dashboard checks a click-to-call number before sending it; it must agree with the server
// (src/shared/phone.ts, after the route's 3 to 32 characters) on every kind of input.
const INPUTS = [
  '+12125550151',
  '(212) 555-0151',
  '212.555.0151',
  '12125550151',
  '2125550151',
  '+44 20 7946 0958',
  '020 7946 0958',
  '+1 212 555 015',
  '5550151',
  '+999 123',
  '12',
  '911',
  'call me',
  '+1-800-FLOWERS',
  '   ',
  '+61 2 9876 5432',
  '0412 345 678',
  '+33 1 23 45 67 89',
  '1'.repeat(33),
];

test('the dashboard’s number check agrees with the server’s, for each default region', async () => {
  const lib = await loadPhoneLib();
  for (const region of ['US', 'GB', 'AU']) {
    for (const input of INPUTS) {
      const server =
        input.length < 3 || input.length > 32 ? { error: 'length' } : normalisePhone(input, region as never);
      const web = checkNumber(input, region, lib.parsePhoneNumberFromString);
      assert.equal('e164' in web, 'e164' in server, `${region} ${JSON.stringify(input)}`);
      if ('e164' in web && 'e164' in server) assert.equal(web.e164, server.e164);
      if ('error' in web && 'error' in server && server.error !== 'length')
        assert.equal(web.error, server.error);
    }
  }
});

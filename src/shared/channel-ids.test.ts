import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ORIGINATED_CHANNEL_ID_SQL, originatedChannelId } from './channel-ids.js';

test('the ids CapConduit originates match the pattern the CDR reconciler skips, and Asterisk ids do not', () => {
  const pattern = new RegExp(ORIGINATED_CHANNEL_ID_SQL);
  for (const role of ['agent', 'customer', 'consult', 'transfer'])
    assert.match(originatedChannelId(role), pattern);
  for (const id of ['1733170000.12', 'pbx1-1733170000.12', 'cc-1733170000.12', 'cc-x-c'])
    assert.doesNotMatch(id, pattern);
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createSecretBox, loadSecretKey } from './secrets.js';

test('a sealed secret opens with its key only, and any change to it is refused', () => {
  const box = createSecretBox(randomBytes(32));
  const sealed = box.seal('ari-p4ss é');
  assert.notEqual(sealed, box.seal('ari-p4ss é'), 'a fresh IV each time');
  assert.equal(box.open(sealed), 'ari-p4ss é');
  assert.throws(() => createSecretBox(randomBytes(32)).open(sealed), /does not open/);
  const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
  assert.throws(() => box.open(tampered), /does not open/);
  assert.throws(() => box.open('plain'), /not a sealed secret/);
});

test('without CAPCONDUIT_SECRET_KEY a key is generated once into DATA_DIR, readable by its owner only', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'secret-')), 'secret.key');
  const first = loadSecretKey(undefined, file);
  const again = loadSecretKey(undefined, file);
  assert.deepEqual([first.generated, again.generated], [true, false]);
  assert.deepEqual(first.key, again.key);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const env = randomBytes(32);
  assert.deepEqual(loadSecretKey(env, file).key, env);
});

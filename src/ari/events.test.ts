import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { AriMalformedEvent } from './errors.js';
import { isKnownEvent, parseAriEvent, type AriEvent } from './events.js';

const CAPTURES = new URL('../../test/fixtures/asterisk-captures/ari/', import.meta.url);
const lines = (name: string) =>
  readFileSync(new URL(name, CAPTURES), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');

/** What the connector would read from an event; compiles only if narrowing works. */
function summary(e: AriEvent): string {
  if (!isKnownEvent(e)) return `other:${e.type}`;
  switch (e.type) {
    case 'StasisStart':
      return `${e.type} ${e.channel.id} ${e.args.join(',')}`;
    case 'Dial':
      return `${e.type} ${e.peer.id} ${e.dialstatus}`;
    case 'ChannelDestroyed':
      return `${e.type} ${e.channel.id} ${e.cause}`;
    case 'ChannelEnteredBridge':
    case 'ChannelLeftBridge':
      return `${e.type} ${e.bridge.id} ${e.channel?.id ?? ''}`;
    case 'RecordingStarted':
    case 'RecordingFinished':
      return `${e.type} ${e.recording.name} ${e.recording.state}`;
    case 'ChannelVarset':
      return `${e.type} ${e.variable}`;
    default:
      return e.type;
  }
}

for (const file of [
  'click-to-call-bridge-record.events.jsonl',
  'originate-inbound-continue-errors.events.jsonl',
]) {
  test(`every event Asterisk 22 sent in ${file} parses, unchanged`, () => {
    const all = lines(file);
    assert.ok(all.length > 20);
    for (const line of all) {
      const event = parseAriEvent(line);
      assert.deepEqual(event, JSON.parse(line));
      assert.equal(event.application, 'cap');
      assert.ok(summary(event).length > 0);
    }
  });
}

test('the captured call reads as the connector needs it', () => {
  const got = lines('originate-inbound-continue-errors.events.jsonl').map((l) => summary(parseAriEvent(l)));
  assert.equal(got[0], 'Dial harness-1795261929.1221 ');
  assert.ok(got.includes('StasisStart harness-1795261929.1221 outbound'));
  assert.ok(got.includes('other:ChannelConnectedLine'), 'an event type not modelled is kept as other');
  assert.ok(got.includes('ChannelDestroyed harness-1795261929.1221 16'));
  assert.equal(got.at(-3), 'StasisStart harness-1795261938.1224 inbound');
});

test('an event of a type not modelled is returned with all its fields', () => {
  const e = parseAriEvent(
    '{"type":"ChannelTalkingStarted","application":"cap","channel":{"id":"x"},"n":[1]}',
  );
  assert.equal(isKnownEvent(e), false);
  assert.equal(e.type, 'ChannelTalkingStarted');
  assert.deepEqual((e as Record<string, unknown>).n, [1]);
  assert.equal(parseAriEvent('{"type":"Future"}').type, 'Future');
});

test('input that is not an event is refused with AriMalformedEvent', () => {
  for (const bad of [
    '',
    'not json',
    '{"type":',
    '[]',
    'null',
    '42',
    '"StasisStart"',
    '{}',
    '{"type":5}',
    '{"type":""}',
  ]) {
    assert.throws(() => parseAriEvent(bad), AriMalformedEvent, JSON.stringify(bad));
  }
});

test('a known event without the fields events.json requires is refused, naming the field', () => {
  const line = lines('originate-inbound-continue-errors.events.jsonl').find((l) =>
    l.includes('"StasisStart"'),
  )!;
  const good = JSON.parse(line);
  const cases: [object, RegExp][] = [
    [{ ...good, channel: undefined }, /StasisStart\.channel is missing/],
    [{ ...good, args: 'outbound' }, /StasisStart\.args is not a list/],
    [{ ...good, channel: { ...good.channel, caller: { name: '' } } }, /channel\.caller\.number is missing/],
    [{ ...good, application: undefined }, /StasisStart\.application is missing/],
    [
      { type: 'ChannelDestroyed', application: 'cap', timestamp: 't', channel: good.channel, cause: '16' },
      /cause is not a number/,
    ],
  ];
  for (const [value, message] of cases) {
    assert.throws(
      () => parseAriEvent(JSON.stringify(value)),
      (err: unknown) => {
        assert.ok(err instanceof AriMalformedEvent);
        assert.equal(err.code, 'ari_malformed_event');
        assert.match(err.message, message);
        return true;
      },
    );
  }
});

test('optional parts may be missing: a global ChannelVarset, a Dial without a caller', () => {
  const e = parseAriEvent(
    '{"type":"ChannelVarset","application":"cap","timestamp":"t","variable":"G","value":"1"}',
  );
  assert.ok(isKnownEvent(e) && e.type === 'ChannelVarset' && e.channel === undefined);
});

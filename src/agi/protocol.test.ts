import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AgiProtocolError, parseHeader, parseReply, quote, setVariable, setVariables } from './protocol.js';

test('replies: result, data with parentheses, endpos, 100, 510, 511, multi-line 520', () => {
  assert.deepEqual(parseReply(['200 result=1 (a (b) c)']), {
    code: 200,
    result: '1',
    data: 'a (b) c',
    text: 'result=1 (a (b) c)',
  });
  assert.equal(parseReply(['200 result=0 endpos=1234']).result, '0');
  assert.equal(parseReply(['200 result=-1']).result, '-1');
  assert.equal(parseReply(['200 result=1 ()']).data, '');
  assert.equal(parseReply(['511 Command Not Permitted on a dead channel or intercept routine']).code, 511);
  const usage = parseReply([
    '520-Invalid command syntax.  Proper usage follows:',
    'Usage: x',
    '520 End of proper usage.',
  ]);
  assert.equal(usage.code, 520);
  assert.match(usage.text, /Usage: x/);
  assert.throws(() => parseReply(['hello']), AgiProtocolError);
});

test('the script name and query come from agi_network_script; arguments keep their spaces', () => {
  const req = parseHeader([
    'agi_network: yes',
    'agi_network_script: route?did=%2B14155550100&x=a%20b',
    'agi_uniqueid: 1.2',
    'agi_arg_1: one',
    'agi_arg_2: two words',
    'agi_accountcode: ',
  ]);
  assert.equal(req.script, 'route');
  assert.equal(req.query.get('did'), '+14155550100');
  assert.equal(req.query.get('x'), 'a b');
  assert.deepEqual(req.args, ['one', 'two words']);
  assert.equal(req.env.accountcode, '');
  assert.throws(() => parseHeader(['Host: evil']), AgiProtocolError);
});

test('values are quoted so nothing in them can end or add a command', () => {
  assert.equal(quote('a b "q" c'), '"a b \\"q\\" c"');
  assert.equal(quote('back\\slash'), '"back\\\\slash"');
  assert.equal(quote('line\nbreak\r\nhere'), '"line break here"');
  assert.throws(() => setVariable('X\nEXEC System rm', '1'), AgiProtocolError);
});

test('several variables go in one MSet command; a value MSet would split is refused', () => {
  assert.equal(
    setVariables({ CC_DIAL: 'PJSIP/acme', CC_TIMEOUT: 30 }),
    'EXEC MSet "CC_DIAL=PJSIP/acme,CC_TIMEOUT=30"',
  );
  assert.throws(() => setVariables({ X: 'a,b' }), AgiProtocolError);
  assert.throws(() => setVariables({ 'X Y': '1' }), AgiProtocolError);
});

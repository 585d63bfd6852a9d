/**
 * ari.conf and http.conf: what CapConduit's call control needs from Asterisk's REST interface
 * (docs/ari.md). Defaults as res/ari/config.c (enabled=yes, read_only=no, password empty) and
 * main/http.c (enabled=no, no bindaddr: no server, bindport 8088) set them.
 */
import { hostOf, isLoopback } from './ari.js';
import { applied, bool, objectsOfType, section, where, type ConfSection } from './conf.js';
import { duplicateSections, error, ok, warning, type Confs, type Finding } from './findings.js';

export function checkAri(confs: Confs): Finding[] {
  const conf = confs['ari.conf'];
  if (!conf)
    return [
      error(
        'ari.conf',
        'missing: ARI has no user, so CapConduit cannot log in (401) and agents get no call control; generate it with capconduit asterisk-config and copy it here',
      ),
    ];
  const general = section(conf, 'general');
  const enabled = applied(general, 'enabled');
  if (enabled && bool(enabled.value) === false)
    return [error(where(enabled), 'enabled=no turns ARI off: CapConduit cannot reach it; set enabled=yes')];
  const findings = duplicateSections(conf, 'general');
  // res/ari/config.c: users are the sections whose type is user.
  const users = objectsOfType(conf, 'user');
  if (users.length === 0)
    return [
      ...findings,
      error('ari.conf', 'no [user] section with type=user: nobody can log in to ARI (401); add CapConduit’s'),
    ];
  const password = (u: ConfSection) => applied(u, 'password')?.value ?? '';
  const readOnly = (u: ConfSection) => bool(applied(u, 'read_only')?.value) === true;
  for (const u of users.filter((x) => password(x) === ''))
    findings.push(
      warning(where(u), `user ${u.name} has no password: Asterisk refuses every login as ${u.name} (401)`),
    );
  const usable = users.filter((u) => password(u) !== '' && !readOnly(u));
  if (usable.length === 0) {
    const ro = users.filter((u) => password(u) !== '' && readOnly(u)).map((u) => u.name);
    return [
      ...findings,
      error(
        'ari.conf',
        `no user with a password that may write${ro.length ? ` (${ro.join(', ')}: read_only=yes, so 403)` : ''}: CapConduit originates, answers, bridges and records, so it needs one with read_only=no`,
      ),
    ];
  }
  return [
    ...findings,
    ok(
      where(usable[0]!),
      `ARI is enabled for ${usable.map((u) => u.name).join(', ')}: give one of them to the Asterisk server record in CapConduit`,
    ),
  ];
}

export function checkHttp(confs: Confs): Finding[] {
  const conf = confs['http.conf'];
  if (!conf)
    return [
      error(
        'http.conf',
        "missing: Asterisk's HTTP server is off by default, and ARI runs on it; generate it with capconduit asterisk-config and copy it here",
      ),
    ];
  const s = section(conf, 'general');
  if (!s) return [error('http.conf', 'no [general] section: the HTTP server, and ARI with it, is off')];
  const findings = duplicateSections(conf, 'general');
  // main/http.c reads [general] line by line: the last value of a name wins.
  const enabled = applied(s, 'enabled');
  if (bool(enabled?.value) !== true)
    return [
      ...findings,
      error(
        enabled ? where(enabled) : where(s),
        'enabled=yes is needed (the default is no): without it there is no HTTP server and no ARI',
      ),
    ];
  const bind = applied(s, 'bindaddr');
  if (!bind || bind.value === '')
    return [
      ...findings,
      error(where(s), 'no bindaddr: Asterisk starts no HTTP server without one (there is no default)'),
    ];
  const port = applied(s, 'bindport')?.value || '8088';
  const prefix = applied(s, 'prefix')?.value;
  const tls = bool(applied(s, 'tlsenable')?.value ?? applied(s, 'sslenable')?.value) === true;
  const path = `${prefix ? `/${prefix}` : ''}/ari`;
  if (isLoopback(bind.value))
    return [
      ...findings,
      ok(
        where(bind),
        `ARI listens on this machine only (${hostOf(bind.value)}:${port}, path ${path}): CapConduit must run here, or reach it through a tunnel`,
      ),
    ];
  if (!tls)
    return [
      ...findings,
      warning(
        where(bind),
        `bindaddr=${bind.value} exposes ARI beyond loopback without TLS: its password (HTTP basic authentication) and call control cross the network in clear text. Bind to 127.0.0.1, or set tlsenable=yes with a certificate and give CapConduit an https:// URL`,
      ),
    ];
  const tlsBind = applied(s, 'tlsbindaddr')?.value;
  return [
    ...findings,
    ok(
      where(bind),
      `TLS is on (${tlsBind ? tlsBind : `${hostOf(bind.value)}:8089`}): give CapConduit the https:// URL (path ${path}); the plain port ${port} still answers on ${bind.value}`,
    ),
  ];
}

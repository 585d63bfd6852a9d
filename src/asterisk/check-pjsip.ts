/**
 * pjsip.conf (and pjsip_wizard.conf) against CapConduit: the carrier endpoint that sends calls
 * into the dialplan, and, when the clients could be read from the database, objects that clash
 * with a client's id, clients whose address another identify (the carrier's) contains, clients
 * that share one address, and transports clients need.
 */
import { CONTEXTS } from './config.js';
import { applied, objectsOfType, where, type Conf, type ConfSection } from './conf.js';
import { error, list, ok, warning, type Confs, type Finding } from './findings.js';
import { entryContains, parseMatch } from './identify-match.js';

/** An active client as the check needs it (from the clients table). */
export interface ClientTarget {
  client_identifier: string;
  sip_mode: 'static' | 'registering';
  sip_host: string | null;
  sip_port: number | null;
  sip_transport: 'udp' | 'tcp' | 'tls';
}

const DEFAULT_PORT = { udp: 5060, tcp: 5060, tls: 5061 } as const;

/** An endpoint, with where it is defined and what its `context` ends up as. */
interface Endpoint {
  id: string;
  context: string | undefined;
  at: string;
  /** A pjsip_wizard.conf endpoint gets its identify from remote_hosts, not from an identify section. */
  wizard: boolean;
}

function endpoints(confs: Confs): Endpoint[] {
  const conf = objectsOfType(confs['pjsip.conf'], 'endpoint').map((s) => ({
    id: s.name,
    context: applied(s, 'context')?.value,
    at: where(s),
    wizard: false,
  }));
  // res_pjsip_config_wizard: a type=wizard section makes an endpoint of its name, `endpoint/x` its options.
  const wizard = objectsOfType(confs['pjsip_wizard.conf'], 'wizard').map((s) => ({
    id: s.name,
    context: applied(s, 'endpoint/context')?.value,
    at: where(s),
    wizard: true,
  }));
  return [...conf, ...wizard];
}

export function checkPjsip(confs: Confs, clients: ClientTarget[] | undefined): Finding[] {
  const carriers = endpoints(confs).filter((e) => e.context === CONTEXTS.inbound);
  const findings: Finding[] = [];
  if (carriers.length === 0)
    findings.push(
      error(
        confs['pjsip.conf'] ? 'pjsip.conf' : 'pjsip.conf (missing)',
        `no endpoint has context=${CONTEXTS.inbound}: the carrier's calls never reach CapConduit; set it on the carrier trunk's endpoint`,
      ),
    );
  for (const c of carriers) findings.push(...carrierFindings(c, confs['pjsip.conf']));
  if (!clients) return findings;
  return [
    ...findings,
    ...shadowed(confs, clients),
    ...insideIdentify(confs['pjsip.conf'], clients, new Set(carriers.map((c) => c.id))),
    ...sharedAddresses(clients),
    ...missingTransports(confs['pjsip.conf'], clients),
  ];
}

function identifiesOf(pjsip: Conf | undefined, endpoint: string): ConfSection[] {
  return objectsOfType(pjsip, 'identify').filter((s) => applied(s, 'endpoint')?.value === endpoint);
}

function carrierFindings(c: Endpoint, pjsip: Conf | undefined): Finding[] {
  const found = [ok(c.at, `endpoint ${c.id} sends its calls into ${CONTEXTS.inbound}`)];
  if (!c.wizard && identifiesOf(pjsip, c.id).length === 0)
    found.push(
      warning(
        c.at,
        `no identify names endpoint ${c.id}: its INVITEs are taken for it only by From user name or by authentication`,
      ),
    );
  return found;
}

/** A pjsip.conf object with a client's id: one of the two is never used (§7: the first wizard wins). */
function shadowed(confs: Confs, clients: ClientTarget[]): Finding[] {
  const ids = new Set(clients.map((c) => c.client_identifier));
  const clash = (s: ConfSection, type: string) =>
    error(
      where(s),
      `${type} [${s.name}] has the id of CapConduit's client ${s.name}: with pjsip.conf first in sorcery.conf, calls for the client go to this ${type}; with realtime first, the client's row replaces it. Rename one`,
    );
  const conf = ['endpoint', 'aor', 'auth'].flatMap((type) =>
    objectsOfType(confs['pjsip.conf'], type)
      .filter((s) => ids.has(s.name))
      .map((s) => clash(s, type)),
  );
  const wizard = objectsOfType(confs['pjsip_wizard.conf'], 'wizard')
    .filter((s) => ids.has(s.name))
    .map((s) => clash(s, 'wizard'));
  return [...conf, ...wizard];
}

function address(c: ClientTarget): { host: string; port: number } | undefined {
  if (c.sip_mode !== 'static' || !c.sip_host) return undefined;
  return { host: c.sip_host.replace(/^\[(.*)\]$/, '$1'), port: c.sip_port ?? DEFAULT_PORT[c.sip_transport] };
}

/** A client inside another endpoint's identify: whatever it sends us is taken for that endpoint. */
function insideIdentify(pjsip: Conf | undefined, clients: ClientTarget[], carriers: Set<string>): Finding[] {
  const findings: Finding[] = [];
  for (const identify of objectsOfType(pjsip, 'identify')) {
    // Every match= line adds to the list (ip_identify_match_handler()).
    const entries = parseMatch(
      identify.vars
        .filter((v) => v.name.toLowerCase() === 'match')
        .map((v) => v.value)
        .join(','),
    );
    const endpoint = applied(identify, 'endpoint')?.value ?? '(none)';
    const as = carriers.has(endpoint) ? ', and routed as a carrier call' : '';
    for (const c of clients) {
      const a = address(c);
      const entry = a && entries.find((e) => entryContains(e, a.host, a.port));
      if (a && entry)
        findings.push(
          warning(
            where(identify),
            `client ${c.client_identifier} (${a.host}:${a.port}) is inside identify [${identify.name}] match ${entry.text}: any request it sends us is taken for endpoint ${endpoint}${as}`,
          ),
        );
    }
  }
  return findings;
}

/** Clients Asterisk cannot tell apart: one destination under two sets of caps. */
function sharedAddresses(clients: ClientTarget[]): Finding[] {
  const byAddress = new Map<string, string[]>();
  for (const c of clients) {
    const a = address(c);
    if (!a) continue;
    const key = `${c.sip_transport}:${a.host.toLowerCase()}:${a.port}`;
    byAddress.set(key, [...(byAddress.get(key) ?? []), c.client_identifier]);
  }
  return [...byAddress]
    .filter(([, ids]) => ids.length > 1)
    .map(([key, ids]) =>
      warning(
        'clients',
        `${list(ids)} all point at ${key}: Asterisk sends them identical INVITEs, so they are one destination counted under separate caps`,
      ),
    );
}

/** Asterisk picks the transport by the contact URI's; without one of that protocol Dial fails. */
function missingTransports(pjsip: Conf | undefined, clients: ClientTarget[]): Finding[] {
  const protocols = new Set(
    objectsOfType(pjsip, 'transport').map((s) => (applied(s, 'protocol')?.value ?? 'udp').toLowerCase()),
  );
  const needed = [...new Set(clients.map((c) => c.sip_transport))].filter((t) => !protocols.has(t));
  return needed.map((t) =>
    error(
      'pjsip.conf',
      `clients ${list(clients.filter((c) => c.sip_transport === t).map((c) => c.client_identifier))} use ${t}, but no transport has protocol=${t}: calls to them fail`,
    ),
  );
}

/**
 * What a client (buyer call center) looks like to Asterisk: rows for its PJSIP realtime
 * tables, in Asterisk's own schema (see docs/pjsip-realtime.md). Pure, so it can be tested
 * without a database and reviewed against Asterisk's documentation.
 */

/** Dialplan context for calls a client's endpoint sends us (the generated dialplan defines it). */
export const CLIENT_INBOUND_CONTEXT = 'capconduit-from-clients';

export const SUPPORTED_CODECS = [
  'ulaw',
  'alaw',
  'g722',
  'g729',
  'gsm',
  'opus',
  'ilbc',
  'speex',
  'g726',
  'slin',
] as const;

export interface ClientSip {
  client_identifier: string;
  sip_mode: 'static' | 'registering';
  sip_host: string | null;
  sip_port: number | null;
  sip_transport: 'udp' | 'tcp' | 'tls';
  codecs: string;
  auth_username: string | null;
  auth_password: string | null;
  qualify_frequency: number;
}

/**
 * Seconds between the OPTIONS Asterisk sends to a client's contacts. A contact whose last OPTIONS
 * went unanswered is not dialled (Dial fails at once, CHANUNAVAIL, and routing moves on) until an
 * OPTIONS is answered again; with qualify off (0) every call tries the contact and a dead buyer
 * costs each caller the whole dial timeout. 15 s bounds both the time a dead buyer still gets
 * calls and the time a recovered one is still skipped to about 18 s (qualify_timeout is 3 s), for
 * four OPTIONS a minute per PBX. Facts: docs/asterisk-notes.md §9.
 */
export const DEFAULT_QUALIFY_FREQUENCY = 15;
/** Asterisk's own bound for qualify_frequency (res/res_pjsip/location.c, PARSE_IN_RANGE 0–86400). */
export const MAX_QUALIFY_FREQUENCY = 86_400;

export type Row = Record<string, string | number | null>;

/**
 * A client's rows. No identify (ps_endpoint_id_ips) row: CapConduit only dials buyers, and Asterisk
 * uses identify rows only to name the sender of an inbound out-of-dialog request (an outbound
 * call's endpoint is the one dialled; in-dialog requests and responses follow the dialog). A row
 * matching the buyer's host would let a buyer sharing an address with the carrier capture the
 * carrier's INVITEs (docs/asterisk-notes.md §8).
 */
export interface PjsipRows {
  ps_endpoints: Row;
  ps_aors: Row;
  ps_auths: Row | null;
}

const DEFAULT_PORT = { udp: 5060, tcp: 5060, tls: 5061 } as const;

/** `sip:host:port[;transport=tcp]`, with IPv6 literals bracketed. */
export function contactUri(c: ClientSip): string {
  const host = c.sip_host!.includes(':') && !c.sip_host!.startsWith('[') ? `[${c.sip_host}]` : c.sip_host;
  const port = c.sip_port ?? DEFAULT_PORT[c.sip_transport];
  const scheme = c.sip_transport === 'tls' ? 'sips' : 'sip';
  return `${scheme}:${host}:${port}${c.sip_transport === 'tcp' ? ';transport=tcp' : ''}`;
}

/**
 * res_config_pgsql splits stored values on ';' and decodes '^XX' escapes, so a literal ';'
 * (as in `;transport=tcp`) must be written as ^3B and '^' as ^5E.
 */
export function encodeRealtimeValue(value: string): string {
  return value.replace(/\^/g, '^5E').replace(/;/g, '^3B');
}

/** A row with every text value encoded for res_config_pgsql. */
export function encodeRow(row: Row): Row {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [k, typeof v === 'string' ? encodeRealtimeValue(v) : v]),
  );
}

export function pjsipRowsFor(c: ClientSip): PjsipRows {
  const rows = rawRowsFor(c);
  return {
    ps_endpoints: encodeRow(rows.ps_endpoints),
    ps_aors: encodeRow(rows.ps_aors),
    ps_auths: rows.ps_auths && encodeRow(rows.ps_auths),
  };
}

function rawRowsFor(c: ClientSip): PjsipRows {
  const id = c.client_identifier;
  const registering = c.sip_mode === 'registering';
  const hasAuth = c.auth_username !== null && c.auth_password !== null;
  return {
    ps_endpoints: {
      id,
      // No fixed transport: Asterisk picks the one matching the contact URI's scheme/transport.
      transport: null,
      aors: id,
      // A registering device authenticates to us; a static host may ask us to authenticate.
      auth: registering ? id : null,
      outbound_auth: !registering && hasAuth ? id : null,
      context: CLIENT_INBOUND_CONTEXT,
      disallow: 'all',
      allow: c.codecs,
      direct_media: 'no',
      dtmf_mode: 'rfc4733',
      rtp_symmetric: 'yes',
      force_rport: 'yes',
      rewrite_contact: registering ? 'yes' : 'no',
      // A static buyer has no identify row, so 'ip' means nothing identifies it: without it the
      // default 'username,ip' would take any request whose From user is the identifier for the buyer.
      identify_by: registering ? 'username' : 'ip',
    },
    ps_aors: {
      id,
      contact: registering ? null : contactUri(c),
      max_contacts: registering ? 1 : null,
      remove_existing: registering ? 'yes' : null,
      qualify_frequency: c.qualify_frequency,
    },
    ps_auths: hasAuth
      ? { id, auth_type: 'userpass', username: c.auth_username, password: c.auth_password }
      : null,
  };
}

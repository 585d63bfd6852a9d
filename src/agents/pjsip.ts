/**
 * What an agent's phone looks like to Asterisk: rows for its PJSIP realtime tables, in Asterisk's
 * own schema (docs/pjsip-realtime.md, "What an agent's rows set"). Pure, like the clients' builder.
 */
import { encodeRow, type PjsipRows } from '../clients/pjsip.js';

/** Dialplan context for calls an agent's phone makes (CapConduit's dialplan will define it). */
export const AGENT_CONTEXT = 'capconduit-agents';

/**
 * Seconds between the OPTIONS Asterisk sends to a registered phone. Under the ~30 s after which
 * many NATs forget an idle UDP binding, so the phone stays reachable; a phone that stops answering
 * shows up (contact Unreachable) within half a minute.
 */
export const AGENT_QUALIFY_FREQUENCY = 25;

/** A browser phone needs Opus or G.711; Opus first, ulaw for calls bridged to the PSTN. */
export const DEFAULT_WEBRTC_CODECS = ['opus', 'ulaw'];
export const DEFAULT_CODECS = ['ulaw', 'alaw'];

export interface AgentSip {
  endpoint_id: string;
  context: string;
  codecs: string;
  max_contacts: number;
  webrtc: boolean;
  transport: string | null;
  sip_secret: string;
}

export function agentPjsipRows(a: AgentSip): PjsipRows {
  const id = a.endpoint_id;
  const rows: PjsipRows = {
    ps_endpoints: {
      id,
      transport: a.transport,
      aors: id,
      auth: id,
      context: a.context,
      disallow: 'all',
      allow: a.codecs,
      // Media stays in Asterisk: calls are recorded and bridged, transfers are done there.
      direct_media: 'no',
      dtmf_mode: 'rfc4733',
      // Phones sit behind NAT: answer where requests come from, remember the address they came from.
      rtp_symmetric: 'yes',
      force_rport: 'yes',
      rewrite_contact: 'yes',
      // The phone registers and calls as its endpoint id; nothing else identifies it (no identify row).
      identify_by: 'username',
      // webrtc=yes makes Asterisk (sip_endpoint_apply_handler in res/res_pjsip/pjsip_configuration.c,
      // 20 and 22) turn on what a browser needs: use_avpf, ice_support, media_use_received_transport,
      // rtcp_mux, bundle, media_encryption=dtls with dtls_verify=fingerprint and dtls_setup=actpass,
      // and an ephemeral DTLS certificate when dtls_cert_file is unset.
      webrtc: a.webrtc ? 'yes' : null,
    },
    ps_aors: {
      id,
      max_contacts: a.max_contacts,
      // A phone that registers again (a reloaded browser tab) replaces its oldest contact instead of
      // being refused for having max_contacts already.
      remove_existing: 'yes',
      qualify_frequency: AGENT_QUALIFY_FREQUENCY,
    },
    ps_auths: { id, auth_type: 'userpass', username: id, password: a.sip_secret },
  };
  return {
    ps_endpoints: encodeRow(rows.ps_endpoints),
    ps_aors: encodeRow(rows.ps_aors),
    ps_auths: rows.ps_auths && encodeRow(rows.ps_auths),
  };
}

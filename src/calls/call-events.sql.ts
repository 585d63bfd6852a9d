/**
 * The webhook events of the end of a call, as CTEs of `call-end.sql.ts#endCallStatement` (they
 * read its `live`, `st`, `upd`, `cn` and `kn`): `call.ended` for every call the statement ends or
 * expires, `call.answered` when the current attempt was answered (an inbound call's answer is
 * known only from its hangup), `call.converted` when it earns the payout, `cap.reached` for each
 * notice of a cap that filled. `balance.low` comes with the charge (`ledgerSql`).
 */
import { isoTime } from '../routing/statements.js';
import { outboxCtes } from '../webhooks/outbox.sql.js';

interface EndParams {
  mode: string;
  endedAt: string;
  duration: string;
  status: string;
  endReason: string;
}

/** The data of a call event: the call as it was just written. */
function callData(p: EndParams): string {
  const answered = `(st.outcome = 'answered')`;
  return `jsonb_build_object(
      'call_id', upd.id, 'seller_id', upd.seller_id, 'campaign_id', upd.campaign_id, 'did', upd.did,
      'caller_id', live.caller_id, 'state', CASE WHEN ${p.mode} = 'hangup' THEN 'ended' ELSE 'expired' END,
      'outcome', st.outcome, 'end_reason', ${p.endReason},
      'dial_status', CASE WHEN st.outcome IN ('answered', 'unanswered') THEN nullif(${p.status}, '') ELSE live.dial_status END,
      'started_at', ${isoTime('live.started_at')},
      'answered_at', CASE WHEN ${answered} THEN ${isoTime(`(${p.endedAt} - make_interval(secs => st.billsec))`)} END,
      'ended_at', ${isoTime(p.endedAt)},
      'duration', coalesce(${p.duration}, greatest(0, round(extract(epoch FROM ${p.endedAt} - live.started_at)))::int),
      'billsec', upd.billsec,
      'link_id', CASE WHEN ${answered} THEN st.link_id END, 'client_id', CASE WHEN ${answered} THEN st.client_id END,
      'converted', st.converted, 'cost', upd.cost::text,
      'payout', CASE WHEN st.converted THEN st.payout ELSE 0 END::numeric(12,4)::text)`;
}

/** The CTEs `wh_ev` and `wh`; `p` are the statement's parameter references. */
export function callEndOutbox(p: EndParams): string {
  const from = 'FROM upd, live, st';
  const capData = (scope: string, ids: string, from: string) => `SELECT 'cap.reached', st.seller_id,
         jsonb_build_object('scope', '${scope}', ${ids}, 'call_id', st.id, 'caps', to_jsonb(n.caps))
    FROM st, (SELECT array_agg(cap ORDER BY cap) AS caps FROM ${from}) n WHERE n.caps IS NOT NULL`;
  const events = `
  SELECT 'call.ended' AS type, upd.seller_id, ${callData(p)} AS data ${from}
  UNION ALL SELECT 'call.answered', upd.seller_id, ${callData(p)} ${from} WHERE st.outcome = 'answered'
  UNION ALL SELECT 'call.converted', upd.seller_id, ${callData(p)} ${from} WHERE st.converted
  UNION ALL ${capData('campaign', "'campaign_id', st.campaign_id", 'cn')}
  UNION ALL ${capData('link', "'campaign_id', st.campaign_id, 'link_id', st.link_id, 'client_id', st.client_id", 'kn')}`;
  return outboxCtes('wh', events, p.endedAt);
}

-- A call charge names its call: the ledger row refers to the call it bills (no charge without its
-- call, at most one charge per call), where before it carried only the uniqueid as text, which two
-- PBXs can share.

ALTER TABLE balance_ledger ADD COLUMN call_id bigint REFERENCES calls (id);

UPDATE balance_ledger l SET call_id = c.id
  FROM calls c
 WHERE l.kind = 'call_charge' AND c.uniqueid = l.reference AND c.cost = -l.amount
   AND (SELECT count(*) FROM calls c2 WHERE c2.uniqueid = l.reference) = 1;

CREATE UNIQUE INDEX balance_ledger_call_key ON balance_ledger (call_id) WHERE kind = 'call_charge';

-- Conversions confirmed or reversed by buyers (issue 16 item 7): each buyer (client) has a signing
-- key; its CRM calls the public postback URL, signed with it, to confirm or reverse the conversion
-- of a call it answered. The call's billable/payout change (reports follow through the rollup
-- trigger of 0016), and every signed postback is kept, applied or not. docs/postbacks.md.

CREATE TABLE buyer_postback_keys (
  id          bigserial PRIMARY KEY,
  client_id   bigint NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
  -- the public name of the key, sent with every postback (key_id=…): finds the key and the buyer
  key_id      text NOT NULL UNIQUE CHECK (key_id ~ '^pbk_[A-Za-z0-9_-]{16}$'),
  -- the HMAC key, stored as it is: verifying a signature needs it (as webhook secrets)
  secret      text NOT NULL,
  created_by  bigint REFERENCES users (id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  -- NULL: in use; else the key is refused from then on (a rotation may leave the old key a grace period)
  expires_at  timestamptz
);
-- a buyer's keys, newest first (its current key, and one in its grace period after a rotation)
CREATE INDEX buyer_postback_keys_client_idx ON buyer_postback_keys (client_id, id DESC);

-- Every postback whose signature was right, applied or refused: the audit of who changed a
-- call's money, and the nonces already used (a nonce is accepted once per key: replays are refused).
CREATE TABLE conversion_postbacks (
  id              bigserial PRIMARY KEY,
  key_id          bigint NOT NULL REFERENCES buyer_postback_keys (id) ON DELETE CASCADE,
  -- the buyer, kept when its key is gone (no foreign key: history outlives clients and keys)
  client_id       bigint NOT NULL,
  -- the call it named; NULL when none was found
  call_id         bigint REFERENCES calls (id) ON DELETE CASCADE,
  action          text NOT NULL CHECK (action IN ('confirm', 'reverse')),
  nonce           text NOT NULL,
  -- applied: the call changed; unchanged: it already was so (idempotent); refused: see error_code
  result          text NOT NULL CHECK (result IN ('applied', 'unchanged', 'refused')),
  error_code      text,
  message         text,
  amount          numeric(12,4),
  reason          text,
  old_billable    boolean,
  old_payout      numeric(12,4),
  new_billable    boolean,
  new_payout      numeric(12,4),
  -- the signed timestamp (ts=) and when it arrived
  signed_at       timestamptz NOT NULL,
  received_at     timestamptz NOT NULL,
  request_id      text NOT NULL,
  remote_address  text,
  -- how the call was named: call_id, uniqueid or caller (number and time)
  identified_by   text,
  UNIQUE (key_id, nonce),
  CHECK (result = 'refused' OR call_id IS NOT NULL)
);
-- the call page's list and the buyer's, newest first
CREATE INDEX conversion_postbacks_call_idx ON conversion_postbacks (call_id, id DESC) WHERE call_id IS NOT NULL;
CREATE INDEX conversion_postbacks_client_idx ON conversion_postbacks (client_id, id DESC);

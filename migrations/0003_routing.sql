-- Inbound routing: live cap counters, calls in progress, call logs and their attempts.
--
-- Every volume cap counts calls in flight plus calls that converted (billsec >= the link's
-- min_billable_duration). A reservation increments the counters of its window (hour, day and
-- month in the campaign's time zone, by the moment it was made); a call that ends without
-- converting gives its window slot back, a converted one keeps it. Counters live on the rows
-- whose caps they are checked against, so one conditional UPDATE is the atomic check.

ALTER TABLE campaign_client_settings
  ADD COLUMN in_flight   integer NOT NULL DEFAULT 0 CHECK (in_flight >= 0),
  ADD COLUMN hour_start  timestamptz,
  ADD COLUMN hour_count  integer NOT NULL DEFAULT 0 CHECK (hour_count >= 0),
  ADD COLUMN day_start   timestamptz,
  ADD COLUMN day_count   integer NOT NULL DEFAULT 0 CHECK (day_count >= 0),
  ADD COLUMN month_start timestamptz,
  ADD COLUMN month_count integer NOT NULL DEFAULT 0 CHECK (month_count >= 0);

ALTER TABLE campaigns
  ADD COLUMN in_flight   integer NOT NULL DEFAULT 0 CHECK (in_flight >= 0),
  ADD COLUMN hour_start  timestamptz,
  ADD COLUMN hour_count  integer NOT NULL DEFAULT 0 CHECK (hour_count >= 0),
  ADD COLUMN day_start   timestamptz,
  ADD COLUMN day_count   integer NOT NULL DEFAULT 0 CHECK (day_count >= 0),
  ADD COLUMN month_start timestamptz,
  ADD COLUMN month_count integer NOT NULL DEFAULT 0 CHECK (month_count >= 0),
  -- Persistent round-robin position (advanced once per routed call).
  ADD COLUMN rr_counter  bigint NOT NULL DEFAULT 0;

-- A client's global limit counts its calls in flight over every campaign.
ALTER TABLE clients ADD COLUMN in_flight integer NOT NULL DEFAULT 0 CHECK (in_flight >= 0);

-- One row per call being routed or connected, keyed by Asterisk's uniqueid: everything the
-- call holds, so any CapConduit process can continue it and the sweeper can release it.
CREATE TABLE live_calls (
  uniqueid           text PRIMARY KEY,
  status             text NOT NULL CHECK (status IN ('dialing', 'rejected')),
  did                text NOT NULL,
  caller_id          text,
  did_id             bigint,
  campaign_id        bigint,
  seller_id          bigint,
  timezone           text NOT NULL DEFAULT 'UTC',
  dial_timeout       integer NOT NULL DEFAULT 30,
  max_attempts       integer NOT NULL DEFAULT 1,
  -- The seller's rate when the call arrived.
  rate_per_minute    numeric(12,6),
  -- The campaign's own counters, when it has caps (taken once per call).
  campaign_reserved  boolean NOT NULL DEFAULT false,
  campaign_hour      timestamptz,
  campaign_day       timestamptz,
  campaign_month     timestamptz,
  -- Candidate links in the order this call tries them.
  plan               bigint[] NOT NULL DEFAULT '{}',
  -- The link being dialled now and the windows its reservation counted in.
  link_id            bigint,
  client_id          bigint,
  client_reserved    boolean NOT NULL DEFAULT false,
  link_hour          timestamptz,
  link_day           timestamptz,
  link_month         timestamptz,
  -- The deal of the link being dialled, as it stood when it was reserved.
  link_min_billable  integer,
  link_payout        numeric(12,4),
  attempt_started_at timestamptz,
  attempts           jsonb NOT NULL DEFAULT '[]'::jsonb,
  trace              jsonb NOT NULL DEFAULT '[]'::jsonb,
  reject_reason      text,
  pbx                text,
  started_at         timestamptz NOT NULL,
  expires_at         timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL,
  CHECK (status <> 'rejected' OR reject_reason IS NOT NULL)
);
CREATE INDEX live_calls_expires_idx ON live_calls (expires_at);

-- Rows updated on every call: leave room in each page so updates stay HOT (no index writes).
ALTER TABLE live_calls SET (fillfactor = 50);
ALTER TABLE campaign_client_settings SET (fillfactor = 50);
ALTER TABLE campaigns SET (fillfactor = 50);
ALTER TABLE clients SET (fillfactor = 50);
ALTER TABLE users SET (fillfactor = 70);

CREATE TABLE call_logs (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  uniqueid       text NOT NULL,
  direction      text NOT NULL DEFAULT 'inbound' CHECK (direction IN ('inbound', 'outbound')),
  did            text,
  caller_id      text,
  did_id         bigint,
  campaign_id    bigint REFERENCES campaigns (id),
  seller_id      bigint REFERENCES users (id),
  -- The link and client that answered, if any (no foreign key: history outlives links).
  link_id        bigint,
  client_id      bigint REFERENCES clients (id),
  started_at     timestamptz NOT NULL,
  answered_at    timestamptz,
  ended_at       timestamptz,
  duration       integer CHECK (duration >= 0),
  billsec        integer NOT NULL DEFAULT 0 CHECK (billsec >= 0),
  disposition    text NOT NULL,
  dial_status    text,
  hangup_cause   integer,
  routing_status text NOT NULL CHECK (routing_status IN ('routed', 'rejected', 'unrouted', 'expired')),
  reject_reason  text,
  -- Converted: answered and billsec >= the link's min_billable_duration.
  billable       boolean NOT NULL DEFAULT false,
  cost           numeric(14,4) NOT NULL DEFAULT 0,
  payout         numeric(12,4) NOT NULL DEFAULT 0,
  recording      text,
  trace          jsonb NOT NULL DEFAULT '[]'::jsonb,
  source         text NOT NULL CHECK (source IN ('agi', 'http', 'reconciled', 'expired')),
  pbx            text,
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX call_logs_uniqueid_key ON call_logs (uniqueid);
CREATE INDEX call_logs_started_idx ON call_logs (started_at DESC, id DESC);
CREATE INDEX call_logs_seller_idx ON call_logs (seller_id, started_at DESC);
CREATE INDEX call_logs_campaign_idx ON call_logs (campaign_id, started_at DESC);
CREATE INDEX call_logs_client_idx ON call_logs (client_id, started_at DESC);
CREATE INDEX call_logs_did_idx ON call_logs (did, started_at DESC);

CREATE TABLE call_attempts (
  call_id      bigint NOT NULL REFERENCES call_logs (id) ON DELETE CASCADE,
  seq          integer NOT NULL,
  link_id      bigint,
  client_id    bigint,
  dial_status  text NOT NULL,
  ring_seconds integer NOT NULL DEFAULT 0,
  started_at   timestamptz NOT NULL,
  ended_at     timestamptz,
  PRIMARY KEY (call_id, seq)
);

-- One notice per cap and window, so a reached cap notifies once.
CREATE TABLE cap_notices (
  scope        text NOT NULL,
  scope_id     bigint NOT NULL,
  cap          text NOT NULL,
  window_start timestamptz NOT NULL DEFAULT '-infinity',
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, scope_id, cap, window_start)
);

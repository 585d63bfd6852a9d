-- Outbound calls an agent makes through ARI (click-to-call, a number dialled from the agent's
-- phone): the same `calls` row as inbound calls, direction 'outbound', with its own states, its
-- channels as legs, and its recordings.

ALTER TABLE calls DROP CONSTRAINT calls_state_check;
ALTER TABLE calls ADD CONSTRAINT calls_state_check CHECK (state IN (
  'dialing', 'rejected', 'exhausted', 'ended', 'expired',
  -- outbound: the agent's phone rings, then the customer's, then they talk
  'agent_ringing', 'customer_dialing', 'connected'));
ALTER TABLE calls DROP CONSTRAINT call_logs_source_check;
ALTER TABLE calls ADD CONSTRAINT calls_source_check CHECK (source IN ('agi', 'http', 'reconciled', 'expired', 'ari'));
ALTER TABLE calls
  ADD COLUMN agent_id bigint REFERENCES users (id),
  ADD COLUMN server_id bigint REFERENCES asterisk_servers (id) ON DELETE SET NULL,
  -- The mixing bridge the legs talk in (ARI bridge id).
  ADD COLUMN bridge_id text,
  -- The caller-ID allocation the customer leg presented, reported when the call ends.
  ADD COLUMN cid_allocation_id bigint,
  ADD COLUMN hangup_by text CHECK (hangup_by IN ('agent', 'customer', 'system')),
  ADD COLUMN end_cause text,
  ADD CONSTRAINT calls_outbound_agent CHECK (direction <> 'outbound' OR agent_id IS NOT NULL);
CREATE INDEX calls_agent_idx ON calls (agent_id, started_at DESC) WHERE agent_id IS NOT NULL;
CREATE INDEX calls_outbound_open_idx ON calls (server_id)
  WHERE state IN ('agent_ringing', 'customer_dialing', 'connected');

-- A channel of an outbound call, keyed by the id CapConduit gave it when it originated it (or
-- Asterisk's, for a channel that entered Stasis from the dialplan).
CREATE TABLE call_legs (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  call_id     bigint NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
  -- Null once its server is removed: the call log keeps the leg.
  server_id   bigint REFERENCES asterisk_servers (id) ON DELETE SET NULL,
  channel_id  text NOT NULL,
  role        text NOT NULL CHECK (role IN ('agent', 'customer', 'consult', 'transfer')),
  -- originated: CapConduit dialled it; phone: the agent dialled from their phone into Stasis.
  origin      text NOT NULL DEFAULT 'originated' CHECK (origin IN ('originated', 'phone')),
  endpoint    text NOT NULL,
  state       text NOT NULL CHECK (state IN ('dialing', 'up', 'gone')),
  held        boolean NOT NULL DEFAULT false,
  muted       boolean NOT NULL DEFAULT false,
  started_at  timestamptz NOT NULL,
  answered_at timestamptz,
  ended_at    timestamptz,
  cause       integer,
  cause_txt   text
);
CREATE UNIQUE INDEX call_legs_channel_key ON call_legs (server_id, channel_id);
CREATE INDEX call_legs_call_idx ON call_legs (call_id);

-- Recordings of a call (a bridge recording through ARI, or MixMonitor in the inbound dialplan).
CREATE TABLE recordings (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  call_id    bigint NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
  server_id  bigint REFERENCES asterisk_servers (id) ON DELETE SET NULL,
  name       text NOT NULL,
  format     text NOT NULL DEFAULT 'wav',
  state      text NOT NULL CHECK (state IN ('recording', 'done', 'failed', 'deleted')),
  started_at timestamptz NOT NULL,
  ended_at   timestamptz,
  -- Seconds, as Asterisk reported them when the recording finished.
  duration   integer,
  error      text
);
CREATE UNIQUE INDEX recordings_name_key ON recordings (server_id, name);
CREATE INDEX recordings_call_idx ON recordings (call_id);
CREATE INDEX recordings_started_idx ON recordings (started_at) WHERE state IN ('done', 'failed');

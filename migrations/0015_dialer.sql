-- The campaign dialer (docs/dialer.md): dialer campaigns, lead lists and their leads, the
-- do-not-call list, per-state calling windows, agents' sessions in a campaign, and the calls it
-- places (rows of `calls`, direction 'outbound', naming their dialer campaign and lead).

CREATE TABLE dialer_campaigns (
  id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name                  text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  status                text NOT NULL DEFAULT 'paused' CHECK (status IN ('active', 'paused', 'archived')),
  mode                  text NOT NULL DEFAULT 'progressive' CHECK (mode IN ('preview', 'progressive', 'predictive')),
  -- The Asterisk server whose outbound trunk places the calls and whose agents take them.
  server_id             bigint REFERENCES asterisk_servers (id) ON DELETE SET NULL,
  max_dial_level        numeric(4, 2) NOT NULL DEFAULT 3.0 CHECK (max_dial_level BETWEEN 1 AND 10),
  -- Abandoned calls / calls a person answered, over a rolling 30 days (and every hour).
  abandon_target        numeric(5, 4) NOT NULL DEFAULT 0.03 CHECK (abandon_target BETWEEN 0 AND 0.5),
  ring_timeout_seconds  integer NOT NULL DEFAULT 25 CHECK (ring_timeout_seconds BETWEEN 5 AND 120),
  -- Answering-machine detection: off, or AMD() in the generated capconduit-dialer-amd context, and
  -- then a machine is hung up on or hears machine_sound.
  amd                   text NOT NULL DEFAULT 'off' CHECK (amd IN ('off', 'hangup', 'message')),
  machine_sound         text CHECK (machine_sound ~ '^[A-Za-z0-9_/.-]{1,100}$'),
  -- What an answered customer with no agent free within 2 s hears before the call ends.
  abandon_sound         text NOT NULL DEFAULT 'capconduit-abandon' CHECK (abandon_sound ~ '^[A-Za-z0-9_/.-]{1,100}$'),
  -- Per outcome (busy, no_answer, machine, failed): {"delay_minutes": n, "max": n}.
  retry_policy          jsonb NOT NULL DEFAULT '{"busy":{"delay_minutes":15,"max":3},"no_answer":{"delay_minutes":60,"max":3},"machine":{"delay_minutes":240,"max":2},"failed":{"delay_minutes":30,"max":2},"abandoned":{"delay_minutes":30,"max":2}}',
  max_attempts          integer NOT NULL DEFAULT 5 CHECK (max_attempts BETWEEN 1 AND 100),
  -- The caller-ID campaign (pool) the numbers are rotated from; NULL: area code, state, global.
  callerid_campaign     text CHECK (length(callerid_campaign) BETWEEN 1 AND 100),
  dispositions          text[] NOT NULL DEFAULT '{sale,callback,not_interested,wrong_number,dnc}',
  -- The campaign's own hours, in the lead's local time, on the given ISO weekdays (1 = Monday).
  call_start            time NOT NULL DEFAULT '08:00',
  call_end              time NOT NULL DEFAULT '21:00',
  call_days             smallint[] NOT NULL DEFAULT '{1,2,3,4,5,6,7}',
  -- A lead whose time zone is unknown is dialled only when this is set, in this zone's hours.
  unknown_tz_zone       text,
  version               integer NOT NULL DEFAULT 0,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  CHECK (call_start < call_end)
);
CREATE UNIQUE INDEX dialer_campaigns_name_key ON dialer_campaigns (lower(name)) WHERE status <> 'archived';

CREATE TABLE dialer_lists (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  campaign_id bigint REFERENCES dialer_campaigns (id) ON DELETE SET NULL,
  status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dialer_lists_campaign_idx ON dialer_lists (campaign_id) WHERE status = 'active';

CREATE TABLE dialer_leads (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  list_id         bigint NOT NULL REFERENCES dialer_lists (id) ON DELETE CASCADE,
  phone           text NOT NULL CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
  name            text CHECK (length(name) <= 200),
  -- Where the lead is: region (US state / Canadian province), postal code, and every IANA zone it
  -- may be in (more than one when its number or state spans zones: a window must hold in all).
  -- Empty: unknown.
  country         text CHECK (country ~ '^[A-Z]{2}$'),
  region          text CHECK (length(region) <= 10),
  postal_code     text CHECK (length(postal_code) <= 20),
  time_zones      text[] NOT NULL DEFAULT '{}',
  tz_source       text CHECK (tz_source IN ('number', 'state', 'zip', 'column')),
  fields          jsonb NOT NULL DEFAULT '{}',
  -- new: never dialled; dialling: claimed, a call in progress; answered: with an agent, awaiting its
  -- disposition; retry: waiting for next_attempt_at; done: finished (disposition, DNC, attempts).
  state           text NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'dialling', 'answered', 'retry', 'done')),
  disposition     text CHECK (length(disposition) <= 40),
  attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  -- Attempts per outcome (busy, no_answer, machine, failed, abandoned), for the retry policy.
  outcome_counts  jsonb NOT NULL DEFAULT '{}',
  next_attempt_at timestamptz,
  last_outcome    text,
  last_call_id    bigint,
  last_called_at  timestamptz,
  -- The agent a preview lead is shown to (a preview lead is held for that agent).
  reserved_agent  bigint,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (state <> 'retry' OR next_attempt_at IS NOT NULL)
);
CREATE UNIQUE INDEX dialer_leads_list_phone_key ON dialer_leads (list_id, phone);
-- The claim reads dialable leads of a list in order: new first, then due retries.
CREATE INDEX dialer_leads_dialable_idx ON dialer_leads (list_id, next_attempt_at NULLS FIRST, id)
  WHERE state IN ('new', 'retry');
CREATE INDEX dialer_leads_phone_idx ON dialer_leads (phone);

-- Do-not-call: global (campaign_id NULL) or for one campaign.
CREATE TABLE dnc_numbers (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  phone       text NOT NULL CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
  campaign_id bigint REFERENCES dialer_campaigns (id) ON DELETE CASCADE,
  source      text NOT NULL CHECK (source IN ('import', 'api', 'disposition')),
  note        text CHECK (length(note) <= 200),
  added_by    bigint REFERENCES users (id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX dnc_numbers_key ON dnc_numbers (phone, coalesce(campaign_id, 0));

-- A region's own calling window (e.g. a state that forbids calls after 20:00), replacing the
-- default (setting dialer.window_start / dialer.window_end) for leads in it.
CREATE TABLE dialer_region_windows (
  country      text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  region       text NOT NULL CHECK (length(region) BETWEEN 1 AND 10),
  window_start time NOT NULL,
  window_end   time NOT NULL,
  PRIMARY KEY (country, region),
  CHECK (window_start < window_end)
);

-- An agent's session in a dialer campaign: the agent's phone is called once when the agent joins
-- and stays in the agent's own bridge, so an answered customer is put through at once.
CREATE TABLE dialer_sessions (
  agent_id     bigint PRIMARY KEY REFERENCES agents (id) ON DELETE CASCADE,
  campaign_id  bigint NOT NULL REFERENCES dialer_campaigns (id) ON DELETE CASCADE,
  server_id    bigint REFERENCES asterisk_servers (id) ON DELETE SET NULL,
  -- connecting: the phone is being called; ready: in its bridge.
  state        text NOT NULL CHECK (state IN ('connecting', 'ready')),
  channel_id   text NOT NULL,
  bridge_id    text NOT NULL,
  joined_at    timestamptz NOT NULL
);
-- The longest-idle agent is the one available longest: agents.status_changed_at.
CREATE INDEX dialer_sessions_campaign_idx ON dialer_sessions (campaign_id);

ALTER TABLE calls DROP CONSTRAINT calls_state_check;
ALTER TABLE calls ADD CONSTRAINT calls_state_check CHECK (state IN (
  'dialing', 'rejected', 'exhausted', 'ended', 'expired',
  'agent_ringing', 'customer_dialing', 'connected',
  -- a dialer call: answered, machine detection running / a person waiting for an agent
  'amd', 'waiting_agent'));
ALTER TABLE calls DROP CONSTRAINT calls_outbound_agent;
ALTER TABLE calls
  ADD COLUMN dialer_campaign_id bigint REFERENCES dialer_campaigns (id) ON DELETE SET NULL,
  ADD COLUMN lead_id bigint REFERENCES dialer_leads (id) ON DELETE SET NULL,
  -- human, machine, busy, no_answer, failed, abandoned (a person answered, no agent was free)
  ADD COLUMN dialer_outcome text,
  ADD COLUMN agent_disposition text,
  ADD COLUMN wrap_ended_at timestamptz,
  ADD CONSTRAINT calls_outbound_agent
    CHECK (direction <> 'outbound' OR agent_id IS NOT NULL OR dialer_campaign_id IS NOT NULL);
CREATE INDEX calls_dialer_idx ON calls (dialer_campaign_id, started_at) WHERE dialer_campaign_id IS NOT NULL;
CREATE INDEX calls_dialer_open_idx ON calls (dialer_campaign_id)
  WHERE dialer_campaign_id IS NOT NULL AND state IN ('customer_dialing', 'amd', 'waiting_agent', 'connected');

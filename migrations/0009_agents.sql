-- Agents: users with role 'agent' get a PJSIP extension (rows in ps_endpoints / ps_aors / ps_auths,
-- written in the same transaction as the agent, as for clients), a status driven by their own
-- actions and by call events (src/agents/agent-status.ts), and the registration state of their
-- phone as the ARI connector reports it.

CREATE TABLE agents (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- No cascade: a user with an extension cannot be deleted before the agent (and its PJSIP rows).
  user_id         bigint NOT NULL REFERENCES users (id),
  extension       text NOT NULL CHECK (extension ~ '^[0-9]{2,10}$'),
  -- Its PJSIP endpoint, AOR and auth id, and the SIP user name the phone registers with.
  -- 40 characters: ps_auths.username is varchar(40).
  endpoint_id     text NOT NULL CHECK (endpoint_id ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$'),
  context         text NOT NULL DEFAULT 'capconduit-agents' CHECK (context ~ '^[A-Za-z0-9_.-]{1,40}$'),
  codecs          text NOT NULL DEFAULT 'ulaw,alaw' CHECK (codecs ~ '^[a-z0-9]+(,[a-z0-9]+)*$'),
  max_contacts    integer NOT NULL DEFAULT 1 CHECK (max_contacts BETWEEN 1 AND 20),
  -- A browser phone: the endpoint gets webrtc=yes (DTLS-SRTP, ICE, AVPF, rtcp-mux, bundle).
  webrtc          boolean NOT NULL DEFAULT false,
  -- A transport named in pjsip.conf (e.g. transport-wss); NULL lets Asterisk choose.
  transport       text CHECK (transport ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$'),
  -- The SIP password, in clear because Asterisk's ps_auths.password needs it so (see
  -- docs/pjsip-realtime.md, "What an agent's rows set"); the API never returns it after creation.
  sip_secret      text NOT NULL CHECK (length(sip_secret) BETWEEN 16 AND 80),
  -- NULL: the system setting agents.wrap_up_seconds.
  wrap_up_seconds integer CHECK (wrap_up_seconds BETWEEN 0 AND 3600),

  status            text NOT NULL DEFAULT 'offline'
                    CHECK (status IN ('offline', 'available', 'ringing', 'on_call', 'wrap_up', 'paused')),
  -- Paused: why. Ringing, on a call or in wrap-up: the pause the agent goes back to afterwards.
  pause_reason      text CHECK (length(pause_reason) BETWEEN 1 AND 100),
  -- The call the agent's ringing or talking on, as the call events name it.
  call_ref          text CHECK (length(call_ref) BETWEEN 1 AND 200),
  wrap_up_until     timestamptz,
  status_changed_at timestamptz NOT NULL DEFAULT now(),
  -- Bumped by every change: a status change is applied only to the version it was decided on.
  status_version    integer NOT NULL DEFAULT 0,

  registration            text NOT NULL DEFAULT 'unknown'
                          CHECK (registration IN ('unknown', 'registered', 'unregistered')),
  registration_contact    text,
  registration_user_agent text,
  registration_address    text,
  registration_pbx        text,
  registration_changed_at timestamptz,

  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (status <> 'paused' OR pause_reason IS NOT NULL),
  CHECK (pause_reason IS NULL OR status IN ('paused', 'ringing', 'on_call', 'wrap_up')),
  CHECK ((call_ref IS NOT NULL) = (status IN ('ringing', 'on_call'))),
  CHECK ((wrap_up_until IS NOT NULL) = (status = 'wrap_up'))
);
CREATE UNIQUE INDEX agents_user_id_key ON agents (user_id);
CREATE UNIQUE INDEX agents_extension_key ON agents (extension);
CREATE UNIQUE INDEX agents_endpoint_id_key ON agents (endpoint_id);
CREATE INDEX agents_wrap_up_idx ON agents (wrap_up_until) WHERE status = 'wrap_up';

-- Every status change, for the dialer's reports (time available, paused by reason, on calls).
-- It outlives the agent row (agent_id is cleared) and names the user and the extension itself;
-- a user with history is disabled rather than deleted, as for sellers.
CREATE TABLE agent_status_log (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  agent_id    bigint REFERENCES agents (id) ON DELETE SET NULL,
  user_id     bigint NOT NULL REFERENCES users (id),
  extension   text NOT NULL,
  from_status text NOT NULL,
  to_status   text NOT NULL,
  event       text NOT NULL,
  -- The pause reason when to_status is 'paused'.
  reason      text,
  call_ref    text,
  at          timestamptz NOT NULL
);
CREATE INDEX agent_status_log_agent_idx ON agent_status_log (agent_id, at);
CREATE INDEX agent_status_log_user_idx ON agent_status_log (user_id, at);

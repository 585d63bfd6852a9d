-- Asterisk servers CapConduit controls through ARI, and which process holds each one's event
-- connection. Asterisk gives a Stasis application to whichever websocket registered it last and
-- stops sending the previous one events, so exactly one process at a time may hold a server: the
-- lease row says which, until when.

CREATE TABLE asterisk_servers (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name            text NOT NULL,
  -- The name this PBX's generated dialplan sends (asterisk-config --pbx): ties its channels to
  -- the calls CapConduit routed for it.
  pbx             text NOT NULL CHECK (pbx ~ '^[A-Za-z0-9_.-]{1,40}$'),
  -- Normalised once (src/ari/url.ts): scheme, host, port, http.conf's prefix if any, and one /ari.
  ari_url         text NOT NULL CHECK (ari_url ~ '^https?://[^/?#]+(/[^?#]*)?/ari$'),
  ari_username    text NOT NULL CHECK (length(ari_username) BETWEEN 1 AND 80),
  -- Sealed with the process's secret key (src/shared/secrets.ts); never returned, never logged.
  ari_password    text NOT NULL,
  app_name        text NOT NULL DEFAULT 'capconduit' CHECK (app_name ~ '^[A-Za-z0-9_.-]{1,40}$'),
  -- How a customer's number is dialled from this server, e.g. PJSIP/{number}@carrier.
  outbound_trunk  text NOT NULL DEFAULT 'PJSIP/{number}@carrier' CHECK (outbound_trunk LIKE '%{number}%'),
  enabled         boolean NOT NULL DEFAULT true,
  status          text NOT NULL DEFAULT 'unknown' CHECK (status IN ('unknown', 'ok', 'error')),
  asterisk_version text,
  last_error      text,
  checked_at      timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX asterisk_servers_name_key ON asterisk_servers (lower(name));
CREATE UNIQUE INDEX asterisk_servers_pbx_key ON asterisk_servers (pbx);

CREATE TABLE ari_leases (
  server_id   bigint PRIMARY KEY REFERENCES asterisk_servers (id) ON DELETE CASCADE,
  holder      text NOT NULL,
  acquired_at timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL
);

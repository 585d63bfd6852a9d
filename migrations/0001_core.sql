-- CapConduit core schema: accounts, settings, clients, DIDs, campaigns, links, ledger, notifications.
-- Runs unchanged on PostgreSQL 15+ and PGlite. Money is NUMERIC, never floating point.

CREATE TABLE users (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email         text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
  name          text NOT NULL,
  role          text NOT NULL CHECK (role IN ('admin', 'staff', 'seller', 'agent')),
  status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  password_hash text NOT NULL,
  -- Prepaid balance (sellers). Changes only together with a balance_ledger row.
  balance       numeric(14,4) NOT NULL DEFAULT 0,
  -- Per-seller override of the system billing rate; NULL = system default.
  billing_rate_per_minute numeric(12,6) CHECK (billing_rate_per_minute >= 0),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE INDEX users_role_idx ON users (role);

-- Browser sessions and long-lived API tokens; only a SHA-256 of each token is stored.
CREATE TABLE auth_tokens (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind         text NOT NULL CHECK (kind IN ('session', 'api')),
  name         text,
  token_hash   text NOT NULL,
  prefix       text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz,
  last_used_at timestamptz,
  revoked_at   timestamptz
);
CREATE UNIQUE INDEX auth_tokens_hash_key ON auth_tokens (token_hash);
CREATE INDEX auth_tokens_user_idx ON auth_tokens (user_id, kind);

-- Failed logins per e-mail (known or not, so lockouts do not reveal which accounts exist).
CREATE TABLE login_failures (
  email        text PRIMARY KEY,
  failures     integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE settings (
  key        text PRIMARY KEY,
  value      jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by bigint REFERENCES users (id) ON DELETE SET NULL
);

-- Buyer call centers. Their PJSIP realtime rows (ps_*) are written in the same transaction.
CREATE TABLE clients (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name              text NOT NULL,
  client_identifier text NOT NULL CHECK (client_identifier ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$'),
  status            text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  sip_mode          text NOT NULL DEFAULT 'static' CHECK (sip_mode IN ('static', 'registering')),
  sip_host          text,
  sip_port          integer CHECK (sip_port BETWEEN 1 AND 65535),
  sip_transport     text NOT NULL DEFAULT 'udp' CHECK (sip_transport IN ('udp', 'tcp', 'tls')),
  codecs            text NOT NULL DEFAULT 'ulaw,alaw',
  auth_username     text,
  auth_password     text,
  max_concurrency   integer CHECK (max_concurrency > 0),
  timezone          text NOT NULL DEFAULT 'UTC',
  business_hours    jsonb,
  notes             text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  CHECK (sip_mode <> 'static' OR sip_host IS NOT NULL),
  CHECK (sip_mode <> 'registering' OR (auth_username IS NOT NULL AND auth_password IS NOT NULL)),
  CHECK ((auth_username IS NULL) = (auth_password IS NULL))
);
CREATE UNIQUE INDEX clients_identifier_key ON clients (client_identifier);

CREATE TABLE campaigns (
  id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  seller_id            bigint NOT NULL REFERENCES users (id),
  name                 text NOT NULL,
  status               text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'archived')),
  routing_strategy     text NOT NULL DEFAULT 'priority'
                       CHECK (routing_strategy IN ('priority', 'round_robin', 'weighted')),
  dial_timeout_seconds integer NOT NULL DEFAULT 30 CHECK (dial_timeout_seconds BETWEEN 5 AND 300),
  max_attempts         integer NOT NULL DEFAULT 3 CHECK (max_attempts BETWEEN 1 AND 20),
  max_concurrency      integer CHECK (max_concurrency > 0),
  hourly_cap           integer CHECK (hourly_cap >= 0),
  daily_cap            integer CHECK (daily_cap >= 0),
  monthly_cap          integer CHECK (monthly_cap >= 0),
  timezone             text NOT NULL DEFAULT 'UTC',
  business_hours       jsonb,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  UNIQUE (id, seller_id)
);
CREATE UNIQUE INDEX campaigns_seller_name_key ON campaigns (seller_id, lower(name));

CREATE TABLE did_requests (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  seller_id           bigint NOT NULL REFERENCES users (id),
  quantity            integer NOT NULL CHECK (quantity BETWEEN 1 AND 1000),
  preferred_area_code text CHECK (preferred_area_code ~ '^[0-9]{2,5}$'),
  note                text,
  status              text NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'approved', 'rejected', 'cancelled')),
  reject_reason       text,
  processed_by        bigint REFERENCES users (id) ON DELETE SET NULL,
  processed_at        timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  CHECK (status <> 'rejected' OR reject_reason IS NOT NULL)
);
CREATE INDEX did_requests_seller_idx ON did_requests (seller_id, id DESC);
CREATE INDEX did_requests_pending_idx ON did_requests (id) WHERE status = 'pending';

-- The composite key (campaign_id, seller_id) makes the database itself refuse a DID in
-- another seller's campaign; detaching a campaign clears only campaign_id.
CREATE TABLE dids (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  number         text NOT NULL CHECK (number ~ '^\+[1-9][0-9]{6,14}$'),
  status         text NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'assigned', 'retired')),
  seller_id      bigint REFERENCES users (id),
  campaign_id    bigint,
  did_request_id bigint REFERENCES did_requests (id) ON DELETE SET NULL,
  country        text,
  area_code      text,
  notes          text,
  assigned_at    timestamptz,
  retired_at     timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (campaign_id, seller_id) REFERENCES campaigns (id, seller_id) ON DELETE SET NULL (campaign_id),
  CHECK ((status = 'assigned') = (seller_id IS NOT NULL)),
  CHECK (campaign_id IS NULL OR status = 'assigned')
);
CREATE UNIQUE INDEX dids_number_key ON dids (number);
CREATE INDEX dids_seller_idx ON dids (seller_id) WHERE seller_id IS NOT NULL;
CREATE INDEX dids_campaign_idx ON dids (campaign_id) WHERE campaign_id IS NOT NULL;

-- Campaign ↔ client link: the entity every cap lives on.
CREATE TABLE campaign_client_settings (
  id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  campaign_id           bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  client_id             bigint NOT NULL REFERENCES clients (id),
  status                text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
  forwarding_priority   integer NOT NULL DEFAULT 1 CHECK (forwarding_priority BETWEEN 0 AND 1000),
  weight                integer NOT NULL DEFAULT 1 CHECK (weight BETWEEN 1 AND 1000),
  max_concurrency       integer CHECK (max_concurrency > 0),
  total_calls_allowed   integer CHECK (total_calls_allowed >= 0),
  current_total_calls   integer NOT NULL DEFAULT 0 CHECK (current_total_calls >= 0),
  hourly_cap            integer CHECK (hourly_cap >= 0),
  daily_cap             integer CHECK (daily_cap >= 0),
  monthly_cap           integer CHECK (monthly_cap >= 0),
  payout                numeric(12,4) NOT NULL DEFAULT 0 CHECK (payout >= 0),
  min_billable_duration integer NOT NULL DEFAULT 0 CHECK (min_billable_duration >= 0),
  schedule              jsonb,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  UNIQUE (campaign_id, client_id)
);
CREATE INDEX campaign_client_settings_client_idx ON campaign_client_settings (client_id);

CREATE TABLE balance_ledger (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  seller_id     bigint NOT NULL REFERENCES users (id),
  kind          text NOT NULL CHECK (kind IN ('topup', 'adjustment', 'call_charge')),
  amount        numeric(14,4) NOT NULL,
  balance_after numeric(14,4) NOT NULL,
  note          text,
  reference     text,
  created_by    bigint REFERENCES users (id) ON DELETE SET NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX balance_ledger_seller_idx ON balance_ledger (seller_id, id DESC);

CREATE TABLE notifications (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind       text NOT NULL,
  title      text NOT NULL,
  body       text,
  data       jsonb NOT NULL DEFAULT '{}'::jsonb,
  read_at    timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_user_idx ON notifications (user_id, id DESC);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;

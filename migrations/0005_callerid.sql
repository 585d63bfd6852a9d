-- Caller-ID rotation for outbound dialers: pools of numbers, reservations and their log.
-- A pool is global (campaign NULL) or belongs to one dialer campaign (the campaign code the
-- dialer sends, e.g. VICIdial's campaign id). A number is reserved for a TTL; hourly and daily
-- counters, in the number's own time zone, cap how often it is used.

CREATE TABLE callerid_pools (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text NOT NULL,
  campaign    text CHECK (campaign ~ '^[A-Za-z0-9_.:-]{1,64}$'),
  -- A seller's own pool (always a campaign pool); NULL = run by the platform's admins and staff.
  seller_id   bigint REFERENCES users (id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (seller_id IS NULL OR campaign IS NOT NULL)
);
CREATE UNIQUE INDEX callerid_pools_name_key ON callerid_pools (lower(name));
CREATE UNIQUE INDEX callerid_pools_campaign_key ON callerid_pools (campaign) WHERE campaign IS NOT NULL;

CREATE TABLE callerid_numbers (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  pool_id        bigint NOT NULL REFERENCES callerid_pools (id) ON DELETE CASCADE,
  number         text NOT NULL CHECK (number ~ '^\+[1-9][0-9]{6,14}$'),
  area_code      text,
  region         text,
  timezone       text NOT NULL DEFAULT 'UTC',
  carrier        text,
  status         text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cooldown', 'disabled')),
  cooldown_until timestamptz,
  hourly_limit   integer CHECK (hourly_limit > 0),
  daily_limit    integer CHECK (daily_limit > 0),
  meta           jsonb NOT NULL DEFAULT '{}'::jsonb,
  last_used_at   timestamptz,
  hour_start     timestamptz,
  hour_count     integer NOT NULL DEFAULT 0,
  day_start      timestamptz,
  day_count      integer NOT NULL DEFAULT 0,
  reserved_until timestamptz,
  reservation_id bigint,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX callerid_numbers_number_key ON callerid_numbers (number);
-- Least recently used first within a pool and area code / region: the allocation walks these.
CREATE INDEX callerid_numbers_area_idx ON callerid_numbers (area_code, last_used_at NULLS FIRST, id) WHERE status = 'active';
CREATE INDEX callerid_numbers_region_idx ON callerid_numbers (region, last_used_at NULLS FIRST, id) WHERE status = 'active';
CREATE INDEX callerid_numbers_pool_idx ON callerid_numbers (pool_id, last_used_at NULLS FIRST, id) WHERE status = 'active';
CREATE INDEX callerid_numbers_cooldown_idx ON callerid_numbers (cooldown_until) WHERE status = 'cooldown';
ALTER TABLE callerid_numbers SET (fillfactor = 70);

-- Every allocation, for statistics and audit; its outcome is reported when the call ends.
CREATE TABLE callerid_allocations (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  number_id    bigint NOT NULL REFERENCES callerid_numbers (id) ON DELETE CASCADE,
  campaign     text,
  agent        text,
  destination  text NOT NULL,
  match        text NOT NULL CHECK (match IN ('area_code', 'region', 'campaign_pool', 'global')),
  allocated_at timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL,
  released_at  timestamptz,
  answered     boolean,
  billsec      integer CHECK (billsec >= 0),
  reported_at  timestamptz
);
CREATE INDEX callerid_allocations_number_idx ON callerid_allocations (number_id, id DESC);

-- Per-agent request rate, one row per agent and minute.
CREATE TABLE callerid_agent_rate (
  agent        text PRIMARY KEY,
  window_start timestamptz NOT NULL,
  count        integer NOT NULL
);

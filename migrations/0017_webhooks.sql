-- Webhooks (issue 16 item 6): sellers and admins subscribe URLs to events; each event is written
-- to an outbox by the statement that records it (one row per matching subscription), and a worker
-- delivers the rows, signed, with retries. docs/webhooks.md says what receivers get.

CREATE TABLE webhook_subscriptions (
  id          bigserial PRIMARY KEY,
  -- whose events it receives; NULL = every seller's and the platform's own (made by an admin)
  seller_id   bigint REFERENCES users (id) ON DELETE CASCADE,
  url         text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2000),
  events      text[] NOT NULL CHECK (cardinality(events) > 0),
  -- the HMAC key of its signatures; shown to its owner only when created or rotated
  secret      text NOT NULL,
  description text CHECK (length(description) <= 200),
  active      boolean NOT NULL DEFAULT true,
  created_by  bigint REFERENCES users (id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
-- what every event-writing statement probes: the active subscriptions of one seller and the
-- all-sellers ones (seller_id NULL); with none, one lookup in an empty index
CREATE INDEX webhook_subscriptions_match_idx ON webhook_subscriptions (seller_id) WHERE active;

CREATE TABLE webhook_outbox (
  id              bigserial PRIMARY KEY,
  subscription_id bigint NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
  -- one id per event, the same in every subscription's row and every retry (X-CapConduit-Delivery)
  event_id        uuid NOT NULL,
  event           text NOT NULL,
  -- the seller the event is about (NULL: the platform's, e.g. a global caller-ID pool)
  seller_id       bigint,
  -- the whole JSON body sent: {id, type, occurred_at, data}
  payload         jsonb NOT NULL,
  occurred_at     timestamptz NOT NULL,
  state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  -- attempts in the current round (a redelivery starts a new round)
  attempts        integer NOT NULL DEFAULT 0,
  -- NULL: never tried, due now; pending: when it is due again (while an attempt runs, the end of
  -- its lease: a worker that died mid-attempt leaves the row to another after it)
  next_attempt_at timestamptz,
  -- the claim of the attempt in flight; its result is written only while it still holds the row
  lease           uuid,
  last_status     integer,
  last_error      text,
  delivered_at    timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (subscription_id, event_id)
);
-- the worker's claim: due pending rows, fresh ones (NULL) first
CREATE INDEX webhook_outbox_due_idx ON webhook_outbox (next_attempt_at NULLS FIRST, id) WHERE state = 'pending';
-- the delivery log, newest first, of a subscription, or by state
CREATE INDEX webhook_outbox_subscription_idx ON webhook_outbox (subscription_id, id DESC);
CREATE INDEX webhook_outbox_state_idx ON webhook_outbox (state, id DESC);
-- the retention job: finished rows by age
CREATE INDEX webhook_outbox_finished_idx ON webhook_outbox (created_at) WHERE state <> 'pending';

-- one row per HTTP attempt
CREATE TABLE webhook_attempts (
  id          bigserial PRIMARY KEY,
  outbox_id   bigint NOT NULL REFERENCES webhook_outbox (id) ON DELETE CASCADE,
  started_at  timestamptz NOT NULL,
  duration_ms integer NOT NULL,
  -- NULL: no HTTP answer (refused, timed out, …); `error` says what happened
  http_status integer,
  error       text,
  -- the first bytes of the receiver's answer
  response_excerpt text
);
CREATE INDEX webhook_attempts_outbox_idx ON webhook_attempts (outbox_id, id DESC);

-- Rules about who is calling (issue 16, items 3 and 4; src/routing/callers.ts).
--
-- Caller filters: a campaign, and each of its links, may accept or block callers by area code or
-- state, block numbers and prefixes, and block anonymous callers (JSON, checked by the API).
-- Repeat callers: a campaign's window and action (first_buyer: the buyer that answered the
-- earlier call is tried first; no_payout: the call converts for nobody; reject), and a link's own
-- window and action for its buyer (pay, no_payout, reject: the buyer takes no repeat callers).
ALTER TABLE campaigns
  ADD COLUMN caller_filter jsonb,
  ADD COLUMN duplicate_window_seconds integer CHECK (duplicate_window_seconds BETWEEN 60 AND 31622400),
  ADD COLUMN duplicate_action text NOT NULL DEFAULT 'no_payout'
    CHECK (duplicate_action IN ('first_buyer', 'no_payout', 'reject'));

ALTER TABLE campaign_client_settings
  ADD COLUMN caller_filter jsonb,
  ADD COLUMN duplicate_window_seconds integer CHECK (duplicate_window_seconds BETWEEN 60 AND 31622400),
  ADD COLUMN duplicate_action text CHECK (duplicate_action IN ('pay', 'no_payout', 'reject'));

-- The earlier call a repeat caller's call repeats, and the links whose buyer pays nothing for it;
-- an attempt on such a link is not payable, and an answered call whose attempt is not payable does
-- not convert (no payout, not counted by conversion caps).
ALTER TABLE calls
  ADD COLUMN repeat_of bigint,
  ADD COLUMN unpaid bigint[] NOT NULL DEFAULT '{}';
ALTER TABLE call_attempts
  ADD COLUMN payable boolean NOT NULL DEFAULT true;

-- A caller's latest calls, for the repeat rule (read only for campaigns that have one).
CREATE INDEX calls_caller_idx ON calls (caller_id, started_at DESC) WHERE caller_id IS NOT NULL;

-- Buyers' caps on answered calls as well as on conversions, and buyers paused by themselves after
-- too many unanswered calls (issue 16, item 5).
--
-- cap_counts: what a link's total, hourly, daily and monthly caps count once a call is over —
-- its conversions (the default, as before) or every call the buyer answered. Calls in flight
-- count against either until they end.
ALTER TABLE campaign_client_settings
  ADD COLUMN cap_counts text NOT NULL DEFAULT 'conversions' CHECK (cap_counts IN ('conversions', 'answered'));

-- A buyer that leaves `auto_pause_unanswered` calls unanswered within an hour is passed over until
-- `paused_until` (now + auto_pause_minutes), then takes calls again by itself; counting starts
-- afresh after a pause. `paused_at` is set while a pause is on (the worker announces its end).
ALTER TABLE clients
  ADD COLUMN auto_pause_unanswered integer CHECK (auto_pause_unanswered BETWEEN 1 AND 10000),
  ADD COLUMN auto_pause_minutes integer NOT NULL DEFAULT 60 CHECK (auto_pause_minutes BETWEEN 1 AND 1440),
  ADD COLUMN paused_until timestamptz,
  ADD COLUMN paused_at timestamptz;

-- a buyer's unanswered attempts of the last hour (the worker's count)
CREATE INDEX call_attempts_unanswered_idx ON call_attempts (client_id, ended_at)
  WHERE state IN ('failed', 'unanswered');

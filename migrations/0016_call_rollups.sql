-- Reports (issue 16): calls, answers, conversions, handle time, charges and payouts per hour, kept
-- as the calls end, so that reading a month of a busy tenant reads hundreds of rows, not a million
-- calls (docs/performance.md, "Reports").
--
-- One row per (dimension, seller, UTC hour, key, direction): the dimensions are the seller, the
-- campaign, the buyer (the client that answered; '' when none did), the DID and the caller's area
-- code. A report groups one dimension's rows; a state is a set of area codes (src/reports). Hours
-- are UTC hours: a report in any zone whose offset is whole hours re-buckets them exactly; a zone
-- with a fractional offset (Asia/Kolkata, Asia/Kathmandu) is read from `calls` instead.
--
-- Kept by a trigger on `calls`, in the transaction that writes the call: a call counts once it is
-- over (ended or expired), and any later change of an ended call (a hangup after its expiry, a
-- payout reversed) moves the rollups by the difference, whoever writes it. Every rollup row a call
-- touches carries that call's seller and hour, and the seller's row is always written first, so
-- two calls' updates queue on it and never deadlock on the others.

CREATE TABLE call_rollups (
  dim        text NOT NULL CHECK (dim IN ('seller', 'campaign', 'client', 'did', 'area')),
  -- 0: calls to a DID that belongs to no seller
  seller_id  bigint NOT NULL,
  hour       timestamptz NOT NULL,
  key        text NOT NULL,
  outbound   boolean NOT NULL,
  calls      integer NOT NULL DEFAULT 0,
  answered   integer NOT NULL DEFAULT 0,
  converted  integer NOT NULL DEFAULT 0,
  rejected   integer NOT NULL DEFAULT 0,
  billsec    bigint NOT NULL DEFAULT 0,
  cost       numeric(16, 4) NOT NULL DEFAULT 0,
  payout     numeric(16, 4) NOT NULL DEFAULT 0,
  PRIMARY KEY (dim, seller_id, hour, key, outbound)
);
-- every seller's rows of one dimension over a period (admin and staff)
CREATE INDEX call_rollups_hour_idx ON call_rollups (dim, hour);

-- The same per UTC day, for the dimensions with many keys (DIDs, area codes: a month of 300 area
-- codes is 216,000 hourly rows but 9,000 daily ones). A report sums the days that lie whole in its
-- period and the hours at its two ends (a day of New York is not a day of UTC).
CREATE TABLE call_rollups_daily (
  dim        text NOT NULL CHECK (dim IN ('did', 'area')),
  seller_id  bigint NOT NULL,
  day        timestamptz NOT NULL,
  key        text NOT NULL,
  outbound   boolean NOT NULL,
  calls      integer NOT NULL DEFAULT 0,
  answered   integer NOT NULL DEFAULT 0,
  converted  integer NOT NULL DEFAULT 0,
  rejected   integer NOT NULL DEFAULT 0,
  billsec    bigint NOT NULL DEFAULT 0,
  cost       numeric(16, 4) NOT NULL DEFAULT 0,
  payout     numeric(16, 4) NOT NULL DEFAULT 0,
  PRIMARY KEY (dim, seller_id, day, key, outbound)
);
CREATE INDEX call_rollups_daily_day_idx ON call_rollups_daily (dim, day);

-- The area of a caller: the NANP area code of a +1 number, 'intl' for another country, '' when the
-- caller is unknown or anonymous.
CREATE FUNCTION call_caller_area(caller text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE WHEN caller ~ '^\+1[2-9][0-9]{9}$' THEN substr(caller, 3, 3)
              WHEN caller ~ '^\+[2-9][0-9]{6,14}$' THEN 'intl'
              ELSE '' END;

-- Adds (sign 1) or takes back (sign -1) one ended call's part of the rollups.
CREATE FUNCTION call_rollup_add(c calls, sign integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO call_rollups AS t (dim, seller_id, hour, key, outbound, calls, answered, converted, rejected, billsec, cost, payout)
  SELECT d.dim, coalesce(c.seller_id, 0), date_trunc('hour', c.started_at, 'UTC'), d.key, c.direction = 'outbound',
         sign, sign * (c.answered_at IS NOT NULL)::int, sign * c.billable::int,
         sign * (c.routing_status IN ('rejected', 'unrouted'))::int, sign * c.billsec, sign * c.cost, sign * c.payout
    FROM (VALUES (1, 'seller', coalesce(c.seller_id::text, '')), (2, 'campaign', coalesce(c.campaign_id::text, '')),
                 (3, 'client', coalesce(c.client_id::text, '')), (4, 'did', coalesce(c.did, '')),
                 (5, 'area', call_caller_area(c.caller_id))) AS d(n, dim, key)
   ORDER BY d.n
  ON CONFLICT (dim, seller_id, hour, key, outbound) DO UPDATE
     SET calls = t.calls + excluded.calls, answered = t.answered + excluded.answered,
         converted = t.converted + excluded.converted, rejected = t.rejected + excluded.rejected,
         billsec = t.billsec + excluded.billsec, cost = t.cost + excluded.cost, payout = t.payout + excluded.payout;
  INSERT INTO call_rollups_daily AS t (dim, seller_id, day, key, outbound, calls, answered, converted, rejected, billsec, cost, payout)
  SELECT d.dim, coalesce(c.seller_id, 0), date_trunc('day', c.started_at, 'UTC'), d.key, c.direction = 'outbound',
         sign, sign * (c.answered_at IS NOT NULL)::int, sign * c.billable::int,
         sign * (c.routing_status IN ('rejected', 'unrouted'))::int, sign * c.billsec, sign * c.cost, sign * c.payout
    FROM (VALUES (1, 'did', coalesce(c.did, '')), (2, 'area', call_caller_area(c.caller_id))) AS d(n, dim, key)
   ORDER BY d.n
  ON CONFLICT (dim, seller_id, day, key, outbound) DO UPDATE
     SET calls = t.calls + excluded.calls, answered = t.answered + excluded.answered,
         converted = t.converted + excluded.converted, rejected = t.rejected + excluded.rejected,
         billsec = t.billsec + excluded.billsec, cost = t.cost + excluded.cost, payout = t.payout + excluded.payout;
END $$;

CREATE FUNCTION calls_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.state IN ('ended', 'expired') THEN
    IF NEW.state IN ('ended', 'expired')
       AND (OLD.answered_at IS NULL) = (NEW.answered_at IS NULL) AND OLD.billable = NEW.billable
       AND OLD.routing_status = NEW.routing_status AND OLD.billsec = NEW.billsec AND OLD.cost = NEW.cost
       AND OLD.payout = NEW.payout AND OLD.client_id IS NOT DISTINCT FROM NEW.client_id
       AND OLD.campaign_id IS NOT DISTINCT FROM NEW.campaign_id AND OLD.seller_id IS NOT DISTINCT FROM NEW.seller_id
       AND OLD.did IS NOT DISTINCT FROM NEW.did AND OLD.caller_id IS NOT DISTINCT FROM NEW.caller_id
       AND OLD.started_at = NEW.started_at AND OLD.direction = NEW.direction THEN
      RETURN NULL;
    END IF;
    PERFORM call_rollup_add(OLD, -1);
  END IF;
  IF NEW.state IN ('ended', 'expired') THEN
    PERFORM call_rollup_add(NEW, 1);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER calls_rollup_insert AFTER INSERT ON calls
  FOR EACH ROW WHEN (NEW.state IN ('ended', 'expired')) EXECUTE FUNCTION calls_rollup();
CREATE TRIGGER calls_rollup_update AFTER UPDATE ON calls
  FOR EACH ROW WHEN (OLD.state IN ('ended', 'expired') OR NEW.state IN ('ended', 'expired'))
  EXECUTE FUNCTION calls_rollup();

-- the calls that ended before this version
INSERT INTO call_rollups (dim, seller_id, hour, key, outbound, calls, answered, converted, rejected, billsec, cost, payout)
SELECT d.dim, coalesce(c.seller_id, 0), date_trunc('hour', c.started_at, 'UTC'), d.key, c.direction = 'outbound',
       count(*), count(*) FILTER (WHERE c.answered_at IS NOT NULL), count(*) FILTER (WHERE c.billable),
       count(*) FILTER (WHERE c.routing_status IN ('rejected', 'unrouted')), coalesce(sum(c.billsec), 0),
       coalesce(sum(c.cost), 0), coalesce(sum(c.payout), 0)
  FROM calls c
  CROSS JOIN LATERAL (VALUES ('seller', coalesce(c.seller_id::text, '')), ('campaign', coalesce(c.campaign_id::text, '')),
                             ('client', coalesce(c.client_id::text, '')), ('did', coalesce(c.did, '')),
                             ('area', call_caller_area(c.caller_id))) AS d(dim, key)
 WHERE c.state IN ('ended', 'expired')
 GROUP BY 1, 2, 3, 4, 5;

INSERT INTO call_rollups_daily (dim, seller_id, day, key, outbound, calls, answered, converted, rejected, billsec, cost, payout)
SELECT r.dim, r.seller_id, date_trunc('day', r.hour, 'UTC'), r.key, r.outbound, sum(r.calls), sum(r.answered),
       sum(r.converted), sum(r.rejected), sum(r.billsec), sum(r.cost), sum(r.payout)
  FROM call_rollups r WHERE r.dim IN ('did', 'area')
 GROUP BY 1, 2, 3, 4, 5;

-- Per-number concurrency (issue 16): a caller ID may serve up to max_concurrent live calls at once.
-- Its live reservations are held on its own row, so the allocation reads and locks one row per
-- number as before (no join, no count over callerid_allocations on the hot path):
--   lease_ids / lease_until  the reservations (allocation ids and their ends), sorted by end;
--                            entries that have ended are dropped whenever the row is written;
--   reserved_until           when the number is full (max_concurrent live reservations), the time
--                            its first place frees up; NULL or past when it has a free place.
-- The allocation's filter is unchanged (`reserved_until IS NULL OR reserved_until <= now`), so
-- with the default of 1 a number behaves exactly as before.
ALTER TABLE callerid_numbers
  ADD COLUMN max_concurrent integer NOT NULL DEFAULT 1 CHECK (max_concurrent BETWEEN 1 AND 50),
  ADD COLUMN lease_ids bigint[] NOT NULL DEFAULT '{}',
  ADD COLUMN lease_until timestamptz[] NOT NULL DEFAULT '{}';

UPDATE callerid_numbers SET lease_ids = ARRAY[reservation_id], lease_until = ARRAY[reserved_until]
 WHERE reservation_id IS NOT NULL AND reserved_until > now();
ALTER TABLE callerid_numbers DROP COLUMN reservation_id;

-- Cooldown notices are grouped per person and hour: the first number to cool down in an hour
-- writes a notification, the next ones of that hour update it (count, latest numbers) instead of
-- adding one each. group_key names the group; NULL (every other notification) is never grouped.
ALTER TABLE notifications ADD COLUMN group_key text;
CREATE UNIQUE INDEX notifications_group_key ON notifications (user_id, group_key);

-- The call log (GET /api/calls) lists ended calls newest first, everyone's or one seller's, with
-- the number that matched. It counted them with a window (`count(*) OVER ()`), which read, joined
-- and buffered every matching call before the first row came out, so the page got slower with
-- every call ever made (issue 13: 5.6 → 30 ms p50 over an 18,001-call soak; 600 ms at 100,000).
-- The list now reads its page from an index in its own order and counts apart (call-log.repo.ts);
-- these two indexes hold ended calls only, in that order (the id breaks ties), so the page is the
-- first rows of an index scan and the count an index-only scan that reads no call row.
--
-- Building them blocks writes to `calls` for about 3 s per million calls. On a large installation,
-- build them beforehand without blocking, then start the new version (this file then does nothing):
--   CREATE INDEX CONCURRENTLY IF NOT EXISTS calls_log_idx ON calls (started_at DESC, id DESC)
--     WHERE state IN ('ended', 'expired');
--   CREATE INDEX CONCURRENTLY IF NOT EXISTS calls_log_seller_idx ON calls (seller_id, started_at DESC, id DESC)
--     WHERE state IN ('ended', 'expired');

CREATE INDEX IF NOT EXISTS calls_log_idx ON calls (started_at DESC, id DESC)
  WHERE state IN ('ended', 'expired');
CREATE INDEX IF NOT EXISTS calls_log_seller_idx ON calls (seller_id, started_at DESC, id DESC)
  WHERE state IN ('ended', 'expired');

-- Optimistic concurrency for edits (docs/architecture.md, "Edits and versions"): every row a
-- person edits through the API has a version. Only the repositories' UPDATE/DELETE statements of
-- those edits bump or check it (`WHERE id = $1 AND version = $2`), never a trigger: the call path
-- moves counters on campaigns and campaign_client_settings (in_flight, hour_count, ...) on every
-- call, and that must neither cost an extra write nor make a person's save look stale.
-- dialer_campaigns has had its version since 0015.
-- A constant default: PostgreSQL adds each column without rewriting the table.

ALTER TABLE campaigns ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE campaign_client_settings ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE clients ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE dids ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE asterisk_servers ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE agents ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE dialer_lists ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE callerid_pools ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE settings ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE callerid_numbers ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE webhook_subscriptions ADD COLUMN version integer NOT NULL DEFAULT 1;

-- A campaign may record its inbound calls. The route answer then names a file (CC_RECORDING,
-- `cc-<call id>`) that the generated dialplan's MixMonitor writes into Asterisk's recording spool
-- (${ASTSPOOLDIR}/recording, where ARI serves stored recordings), the call keeps that name
-- (calls.recording) and a `recordings` row in state 'recording' is written with the call, on the
-- asterisk_servers row of the call's PBX (null when none is registered for it). The call's end
-- marks it done.

ALTER TABLE campaigns ADD COLUMN record_calls boolean NOT NULL DEFAULT false;

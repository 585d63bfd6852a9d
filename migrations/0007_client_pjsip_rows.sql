-- Buyers (clients) lose the identify rows CapConduit wrote for them.
--
-- CapConduit only dials buyers. Asterisk uses identify (ps_endpoint_id_ips) rows only to name the
-- sender of an inbound out-of-dialog request; the row CapConduit wrote matched the buyer's host on
-- any port, and Asterisk takes the first matching identify in id order, so a buyer sharing an
-- address with the carrier (or with another buyer) captured their INVITEs. See
-- docs/asterisk-notes.md §8.
--
-- Only the rows CapConduit wrote go: id = endpoint = a static client's identifier, match = its host
-- (hosts are plain names or addresses, so the stored value is the host itself). An identify row an
-- operator made by hand, or changed, stays.
DELETE FROM ps_endpoint_id_ips p
 USING clients c
 WHERE c.sip_mode = 'static'
   AND p.id = c.client_identifier
   AND p.endpoint = c.client_identifier
   AND p.match = c.sip_host;

-- How often Asterisk qualifies (OPTIONS) a client's AOR, in seconds; 0 = never. Asterisk accepts
-- 0-86400 (res/res_pjsip/location.c). A contact that failed its last qualify is not dialled until
-- the next one succeeds, so the 60 s CapConduit wrote kept a recovered buyer unreachable for up to
-- a minute; why 15 by default: docs/asterisk-notes.md §9. The AORs written so far follow the column.
ALTER TABLE clients
  ADD COLUMN qualify_frequency integer NOT NULL DEFAULT 15 CHECK (qualify_frequency BETWEEN 0 AND 86400);

UPDATE ps_aors a
   SET qualify_frequency = c.qualify_frequency
  FROM clients c
 WHERE a.id = c.client_identifier
   AND c.status = 'active';

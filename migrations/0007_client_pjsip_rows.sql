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

-- Asterisk PJSIP realtime tables, read by an unmodified Asterisk 20/22 through
-- res_config_pgsql + res_sorcery_realtime (see docs/pjsip-realtime.md).
--
-- Source: asterisk/asterisk, branch 22 at commit 69535d483797c1778bea04cfdb05086d6eee54cf
-- (contrib/ast-db-manage/config/versions, tree identical on master and 22.11.0-rc1).
-- Final state after replaying all 131 alembic migrations of the "config" tree from
-- base 4da0c5f79a9c to head 2285f2ace275, as alembic renders them on PostgreSQL.
-- Types, column order, nullability, unique constraints and indexes are Asterisk's;
-- only the ps_* tables and the enum types they use are created here.
--
-- Notes:
--  * Asterisk defines no PRIMARY KEY on these tables: "id" is NOT NULL UNIQUE plus a
--    plain index named <table>_id, exactly as below.
--  * ps_registrations.user_agent is 22-only (branch 20 ships a dummy migration for
--    24c12d8e9014); Asterisk 20 filters the unknown column out when it reads a row.
--  * ps_transports.external_signaling_hostname (head 2285f2ace275) first ships in
--    22.11.0 / 20.21.0 (only -rc1 tagged when read); older releases ignore it.
-- No BEGIN/COMMIT: the migrator wraps this file in a transaction.

-- ---------------------------------------------------------------------------
-- Enum types (names and values as the migrations leave them)
-- ---------------------------------------------------------------------------

-- Created by 43956d550a44. No ps_* column uses it any more since 74dc751dfe8e
-- turned every yes/no column into ast_bool_values; kept because an Asterisk-built
-- database has it.
CREATE TYPE yesno_values AS ENUM ('yes', 'no');

CREATE TYPE pjsip_connected_line_method_values AS ENUM ('invite', 'reinvite', 'update');
CREATE TYPE pjsip_direct_media_glare_mitigation_values AS ENUM ('none', 'outgoing', 'incoming');
CREATE TYPE pjsip_timer_values AS ENUM ('forced', 'no', 'required', 'yes');
CREATE TYPE pjsip_cid_privacy_values AS ENUM (
  'allowed_not_screened', 'allowed_passed_screened', 'allowed_failed_screened', 'allowed',
  'prohib_not_screened', 'prohib_passed_screened', 'prohib_failed_screened', 'prohib',
  'unavailable'
);
CREATE TYPE pjsip_media_encryption_values AS ENUM ('no', 'sdes', 'dtls');
CREATE TYPE pjsip_t38udptl_ec_values AS ENUM ('none', 'fec', 'redundancy');
CREATE TYPE pjsip_dtls_setup_values AS ENUM ('active', 'passive', 'actpass');
CREATE TYPE pjsip_redirect_method_values AS ENUM ('user', 'uri_core', 'uri_pjsip');
-- pjsip_dtmf_mode_values -> _v2 (31cd4f4891ec, +auto) -> _v3 (164abbd708c, +auto_info)
CREATE TYPE pjsip_dtmf_mode_values_v3 AS ENUM ('rfc4733', 'inband', 'info', 'auto', 'auto_info');
CREATE TYPE sha_hash_values AS ENUM ('SHA-1', 'SHA-256');
-- fe6592859b85; the Asterisk boolean used by every former yes/no column
CREATE TYPE ast_bool_values AS ENUM ('0', '1', 'off', 'on', 'false', 'true', 'no', 'yes');
-- 465f47f880be replaced pjsip_transport_protocol_values and pjsip_auth_type_values
CREATE TYPE pjsip_transport_protocol_values_v2 AS ENUM ('udp', 'tcp', 'tls', 'ws', 'wss', 'flow');
CREATE TYPE pjsip_auth_type_values_v2 AS ENUM ('md5', 'userpass', 'google_oauth');
CREATE TYPE pjsip_taskprocessor_overload_trigger_values AS ENUM ('none', 'global', 'pjsip_only');
CREATE TYPE pjsip_incoming_call_offer_pref_values AS ENUM ('local', 'local_first', 'remote', 'remote_first');
CREATE TYPE pjsip_outgoing_call_offer_pref_values AS ENUM (
  'local', 'local_merge', 'local_first', 'remote', 'remote_merge', 'remote_first'
);
-- 539f68bede2c replaced pjsip_100rel_values
CREATE TYPE pjsip_100rel_values_v2 AS ENUM ('no', 'required', 'peer_supported', 'yes');
CREATE TYPE security_negotiation_values AS ENUM ('no', 'mediasec');
-- 37a5332640e2 replaced pjsip_transport_method_values
CREATE TYPE pjsip_transport_method_values_v2 AS ENUM (
  'default', 'unspecified', 'tlsv1', 'tlsv1_1', 'tlsv1_2', 'tlsv1_3', 'sslv2', 'sslv23', 'sslv3'
);

-- ---------------------------------------------------------------------------
-- ps_endpoints (147 columns)
-- ---------------------------------------------------------------------------
CREATE TABLE ps_endpoints (
  id                                  varchar(255) NOT NULL UNIQUE,
  transport                           varchar(40),
  aors                                varchar(2048),
  auth                                varchar(255),
  context                             varchar(40),
  disallow                            varchar(200),
  allow                               varchar(200),
  direct_media                        ast_bool_values,
  connected_line_method               pjsip_connected_line_method_values,
  direct_media_method                 pjsip_connected_line_method_values,
  direct_media_glare_mitigation       pjsip_direct_media_glare_mitigation_values,
  disable_direct_media_on_nat         ast_bool_values,
  dtmf_mode                           pjsip_dtmf_mode_values_v3,
  external_media_address              varchar(40),
  force_rport                         ast_bool_values,
  ice_support                         ast_bool_values,
  identify_by                         varchar(80),  -- enum until 52798ad97bdf
  mailboxes                           varchar(40),
  moh_suggest                         varchar(40),
  outbound_auth                       varchar(255),
  outbound_proxy                      varchar(255),
  rewrite_contact                     ast_bool_values,
  rtp_ipv6                            ast_bool_values,
  rtp_symmetric                       ast_bool_values,
  send_diversion                      ast_bool_values,
  send_pai                            ast_bool_values,
  send_rpid                           ast_bool_values,
  timers_min_se                       integer,
  timers                              pjsip_timer_values,
  timers_sess_expires                 integer,
  callerid                            varchar(40),
  callerid_privacy                    pjsip_cid_privacy_values,
  callerid_tag                        varchar(40),
  "100rel"                            pjsip_100rel_values_v2,
  aggregate_mwi                       ast_bool_values,
  trust_id_inbound                    ast_bool_values,
  trust_id_outbound                   ast_bool_values,
  use_ptime                           ast_bool_values,
  use_avpf                            ast_bool_values,
  media_encryption                    pjsip_media_encryption_values,
  inband_progress                     ast_bool_values,
  call_group                          varchar(40),
  pickup_group                        varchar(40),
  named_call_group                    varchar(40),
  named_pickup_group                  varchar(40),
  device_state_busy_at                integer,
  fax_detect                          ast_bool_values,
  t38_udptl                           ast_bool_values,
  t38_udptl_ec                        pjsip_t38udptl_ec_values,
  t38_udptl_maxdatagram               integer,
  t38_udptl_nat                       ast_bool_values,
  t38_udptl_ipv6                      ast_bool_values,
  tone_zone                           varchar(40),
  language                            varchar(40),
  one_touch_recording                 ast_bool_values,
  record_on_feature                   varchar(40),
  record_off_feature                  varchar(40),
  rtp_engine                          varchar(40),
  allow_transfer                      ast_bool_values,
  allow_subscribe                     ast_bool_values,
  sdp_owner                           varchar(40),
  sdp_session                         varchar(40),
  tos_audio                           varchar(10),  -- integer until 4c573e7135bd
  tos_video                           varchar(10),
  sub_min_expiry                      integer,
  from_domain                         varchar(40),
  from_user                           varchar(40),
  mwi_from_user                       varchar(40),  -- renamed from mwi_fromuser (2fc7930b41b3)
  dtls_verify                         varchar(40),
  dtls_rekey                          varchar(40),
  dtls_cert_file                      varchar(200),
  dtls_private_key                    varchar(200),
  dtls_cipher                         varchar(200),
  dtls_ca_file                        varchar(200),
  dtls_ca_path                        varchar(200),
  dtls_setup                          pjsip_dtls_setup_values,
  srtp_tag_32                         ast_bool_values,
  media_address                       varchar(40),
  redirect_method                     pjsip_redirect_method_values,
  set_var                             text,
  cos_audio                           integer,      -- dropped and re-added by 4c573e7135bd
  cos_video                           integer,
  message_context                     varchar(40),
  force_avp                           ast_bool_values,
  media_use_received_transport        ast_bool_values,
  accountcode                         varchar(80),
  user_eq_phone                       ast_bool_values,
  moh_passthrough                     ast_bool_values,
  media_encryption_optimistic         ast_bool_values,
  rpid_immediate                      ast_bool_values,
  g726_non_standard                   ast_bool_values,
  rtp_keepalive                       integer,
  rtp_timeout                         integer,
  rtp_timeout_hold                    integer,
  bind_rtp_to_media_address           ast_bool_values,
  voicemail_extension                 varchar(40),
  mwi_subscribe_replaces_unsolicited  ast_bool_values,  -- integer until fe6592859b85
  deny                                varchar(95),
  permit                              varchar(95),
  acl                                 varchar(40),
  contact_deny                        varchar(95),
  contact_permit                      varchar(95),
  contact_acl                         varchar(40),
  subscribe_context                   varchar(40),
  fax_detect_timeout                  integer,
  contact_user                        varchar(80),
  preferred_codec_only                ast_bool_values,
  asymmetric_rtp_codec                ast_bool_values,
  rtcp_mux                            ast_bool_values,
  allow_overlap                       ast_bool_values,
  refer_blind_progress                ast_bool_values,
  notify_early_inuse_ringing          ast_bool_values,
  max_audio_streams                   integer,
  max_video_streams                   integer,
  webrtc                              ast_bool_values,
  dtls_fingerprint                    sha_hash_values,
  incoming_mwi_mailbox                varchar(40),
  bundle                              ast_bool_values,
  dtls_auto_generate_cert             ast_bool_values,
  follow_early_media_fork             ast_bool_values,
  accept_multiple_sdp_answers         ast_bool_values,
  suppress_q850_reason_headers        ast_bool_values,  -- renamed from ..._header (7f85dd44c775)
  trust_connected_line                ast_bool_values,
  send_connected_line                 ast_bool_values,
  ignore_183_without_sdp              ast_bool_values,
  codec_prefs_incoming_offer          varchar(128),
  codec_prefs_outgoing_offer          varchar(128),
  codec_prefs_incoming_answer         varchar(128),
  codec_prefs_outgoing_answer         varchar(128),
  stir_shaken                         ast_bool_values,
  send_history_info                   ast_bool_values,
  allow_unauthenticated_options       ast_bool_values,
  t38_bind_udptl_to_media_address     ast_bool_values,
  geoloc_incoming_call_profile        varchar(80),
  geoloc_outgoing_call_profile        varchar(80),
  incoming_call_offer_pref            pjsip_incoming_call_offer_pref_values,
  outgoing_call_offer_pref            pjsip_outgoing_call_offer_pref_values,
  stir_shaken_profile                 varchar(80),
  security_negotiation                security_negotiation_values,
  security_mechanisms                 varchar(512),
  send_aoc                            ast_bool_values,
  overlap_context                     varchar(80),
  tenantid                            varchar(80),
  suppress_moh_on_sendonly            ast_bool_values,
  follow_redirect_methods             varchar(95),
  rtp_port_start                      integer,
  rtp_port_end                        integer
);
CREATE INDEX ps_endpoints_id ON ps_endpoints (id);

-- ---------------------------------------------------------------------------
-- ps_auths (13 columns)
-- ---------------------------------------------------------------------------
CREATE TABLE ps_auths (
  id                        varchar(255) NOT NULL UNIQUE,
  auth_type                 pjsip_auth_type_values_v2,
  nonce_lifetime            integer,
  md5_cred                  varchar(40),
  password                  varchar(80),
  realm                     varchar(255),
  username                  varchar(40),
  refresh_token             varchar(255),
  oauth_clientid            varchar(255),
  oauth_secret              varchar(255),
  password_digest           varchar(1024),
  supported_algorithms_uas  varchar(1024),
  supported_algorithms_uac  varchar(1024)
);
CREATE INDEX ps_auths_id ON ps_auths (id);

-- ---------------------------------------------------------------------------
-- ps_aors (16 columns)
-- ---------------------------------------------------------------------------
CREATE TABLE ps_aors (
  id                    varchar(255) NOT NULL UNIQUE,
  contact               varchar(255),
  default_expiration    integer,
  mailboxes             varchar(80),
  max_contacts          integer,
  minimum_expiration    integer,
  remove_existing       ast_bool_values,
  qualify_frequency     integer,
  authenticate_qualify  ast_bool_values,
  maximum_expiration    integer,
  outbound_proxy        varchar(255),
  support_path          ast_bool_values,
  qualify_timeout       double precision,  -- sa.Float since 423f34ad36e2
  voicemail_extension   varchar(40),
  remove_unavailable    ast_bool_values,
  qualify_2xx_only      ast_bool_values
);
CREATE INDEX ps_aors_id ON ps_aors (id);
CREATE INDEX ps_aors_qualifyfreq_contact ON ps_aors (qualify_frequency, contact);

-- ---------------------------------------------------------------------------
-- ps_contacts (16 columns) -- written by Asterisk itself for registering devices
-- ---------------------------------------------------------------------------
CREATE TABLE ps_contacts (
  id                    varchar(255) NOT NULL UNIQUE,
  uri                   varchar(511),
  expiration_time       bigint,            -- varchar(40) until ef7efc2d3964
  qualify_frequency     integer,
  outbound_proxy        varchar(255),
  path                  text,
  user_agent            varchar(255),
  qualify_timeout       double precision,
  reg_server            varchar(255),
  authenticate_qualify  ast_bool_values,
  via_addr              varchar(40),
  via_port              integer,
  call_id               varchar(255),
  endpoint              varchar(255),
  prune_on_boot         ast_bool_values,
  qualify_2xx_only      ast_bool_values,
  CONSTRAINT ps_contacts_uq UNIQUE (id, reg_server)
);
CREATE INDEX ps_contacts_id ON ps_contacts (id);
CREATE INDEX ps_contacts_qualifyfreq_exp ON ps_contacts (qualify_frequency, expiration_time);

-- ---------------------------------------------------------------------------
-- ps_domain_aliases (2 columns)
-- ---------------------------------------------------------------------------
CREATE TABLE ps_domain_aliases (
  id      varchar(255) NOT NULL UNIQUE,
  domain  varchar(255)
);
CREATE INDEX ps_domain_aliases_id ON ps_domain_aliases (id);

-- ---------------------------------------------------------------------------
-- ps_endpoint_id_ips (6 columns)
-- ---------------------------------------------------------------------------
CREATE TABLE ps_endpoint_id_ips (
  id                 varchar(255) NOT NULL UNIQUE,
  endpoint           varchar(255),
  match              varchar(80),
  srv_lookups        ast_bool_values,
  match_header       varchar(255),
  match_request_uri  varchar(255)
  -- "transport" (d5122576cca8) was reverted by bd9c5159c7ea
);
CREATE INDEX ps_endpoint_id_ips_id ON ps_endpoint_id_ips (id);

-- ---------------------------------------------------------------------------
-- ps_systems (17 columns)
-- ---------------------------------------------------------------------------
CREATE TABLE ps_systems (
  id                           varchar(40) NOT NULL UNIQUE,
  timer_t1                     integer,
  timer_b                      integer,
  compact_headers              ast_bool_values,
  threadpool_initial_size      integer,
  threadpool_auto_increment    integer,
  threadpool_idle_timeout      integer,
  threadpool_max_size          integer,
  disable_tcp_switch           ast_bool_values,
  follow_early_media_fork      ast_bool_values,
  accept_multiple_sdp_answers  ast_bool_values,
  disable_rport                ast_bool_values,
  taskpool_minimum_size        integer,
  taskpool_initial_size        integer,
  taskpool_auto_increment      integer,
  taskpool_idle_timeout        integer,
  taskpool_max_size            integer
);
CREATE INDEX ps_systems_id ON ps_systems (id);

-- ---------------------------------------------------------------------------
-- ps_globals (29 columns)
-- ---------------------------------------------------------------------------
CREATE TABLE ps_globals (
  id                                          varchar(40) NOT NULL UNIQUE,
  max_forwards                                integer,
  user_agent                                  varchar(255),
  default_outbound_endpoint                   varchar(40),
  debug                                       varchar(40),
  endpoint_identifier_order                   varchar(40),
  max_initial_qualify_time                    integer,
  default_from_user                           varchar(80),
  keep_alive_interval                         integer,
  regcontext                                  varchar(80),
  contact_expiration_check_interval           integer,
  default_voicemail_extension                 varchar(40),
  disable_multi_domain                        ast_bool_values,
  unidentified_request_count                  integer,
  unidentified_request_period                 integer,
  unidentified_request_prune_interval         integer,
  default_realm                               varchar(40),
  mwi_tps_queue_high                          integer,
  mwi_tps_queue_low                           integer,
  mwi_disable_initial_unsolicited             ast_bool_values,
  ignore_uri_user_options                     ast_bool_values,
  use_callerid_contact                        ast_bool_values,
  send_contact_status_on_update_registration  ast_bool_values,
  taskprocessor_overload_trigger              pjsip_taskprocessor_overload_trigger_values,
  norefersub                                  ast_bool_values,
  allow_sending_180_after_183                 ast_bool_values,
  all_codecs_on_empty_reinvite                ast_bool_values,
  default_auth_algorithms_uas                 varchar(1024),
  default_auth_algorithms_uac                 varchar(1024)
);
CREATE INDEX ps_globals_id ON ps_globals (id);

-- ---------------------------------------------------------------------------
-- ps_transports (28 columns)
-- ---------------------------------------------------------------------------
CREATE TABLE ps_transports (
  id                           varchar(40) NOT NULL UNIQUE,
  async_operations             integer,
  bind                         varchar(40),
  ca_list_file                 varchar(200),
  cert_file                    varchar(200),
  cipher                       varchar(200),
  domain                       varchar(40),
  external_media_address       varchar(40),
  external_signaling_address   varchar(40),
  external_signaling_port      integer,
  method                       pjsip_transport_method_values_v2,
  local_net                    varchar(40),
  password                     varchar(40),
  priv_key_file                varchar(200),
  protocol                     pjsip_transport_protocol_values_v2,
  require_client_cert          ast_bool_values,
  verify_client                ast_bool_values,
  verify_server                ast_bool_values,  -- renamed from verifiy_server (5950038a6ead)
  tos                          varchar(10),
  cos                          integer,          -- dropped and re-added by 4c573e7135bd
  allow_reload                 ast_bool_values,
  symmetric_transport          ast_bool_values,
  allow_wildcard_certs         ast_bool_values,
  tcp_keepalive_enable         boolean,
  tcp_keepalive_idle_time      integer,
  tcp_keepalive_interval_time  integer,
  tcp_keepalive_probe_count    integer,
  external_signaling_hostname  varchar(40)       -- head 2285f2ace275
);
CREATE INDEX ps_transports_id ON ps_transports (id);

-- ---------------------------------------------------------------------------
-- ps_registrations (22 columns)
-- ---------------------------------------------------------------------------
CREATE TABLE ps_registrations (
  id                        varchar(255) NOT NULL UNIQUE,
  auth_rejection_permanent  ast_bool_values,
  client_uri                varchar(255),
  contact_user              varchar(40),
  expiration                integer,
  max_retries               integer,
  outbound_auth             varchar(255),
  outbound_proxy            varchar(255),
  retry_interval            integer,
  forbidden_retry_interval  integer,
  server_uri                varchar(255),
  transport                 varchar(40),
  support_path              ast_bool_values,
  fatal_retry_interval      integer,
  line                      ast_bool_values,
  endpoint                  varchar(255),
  support_outbound          ast_bool_values,
  contact_header_params     varchar(255),
  max_random_initial_delay  integer,
  security_negotiation      security_negotiation_values,
  security_mechanisms       varchar(512),
  user_agent                varchar(255)       -- Asterisk 22 only (24c12d8e9014)
);
CREATE INDEX ps_registrations_id ON ps_registrations (id);

-- ---------------------------------------------------------------------------
-- ps_subscription_persistence (14 columns)
-- ---------------------------------------------------------------------------
CREATE TABLE ps_subscription_persistence (
  id              varchar(40) NOT NULL UNIQUE,
  packet          varchar(2048),
  src_name        varchar(128),
  src_port        integer,
  transport_key   varchar(64),
  local_name      varchar(128),
  local_port      integer,
  cseq            integer,
  tag             varchar(128),
  endpoint        varchar(40),
  expires         integer,
  contact_uri     varchar(256),
  prune_on_boot   ast_bool_values,
  generator_data  text
);
CREATE INDEX ps_subscription_persistence_id ON ps_subscription_persistence (id);

-- ---------------------------------------------------------------------------
-- ps_outbound_publishes (14 columns)
-- ---------------------------------------------------------------------------
CREATE TABLE ps_outbound_publishes (
  id                 varchar(255) NOT NULL UNIQUE,
  expiration         integer,
  outbound_auth      varchar(255),
  outbound_proxy     varchar(256),
  server_uri         varchar(256),
  from_uri           varchar(256),
  to_uri             varchar(256),
  event              varchar(40),
  max_auth_attempts  integer,
  transport          varchar(40),
  multi_user         ast_bool_values,
  "@body"            varchar(40),
  "@context"         varchar(256),
  "@exten"           varchar(256)
);
CREATE INDEX ps_outbound_publishes_id ON ps_outbound_publishes (id);

-- ---------------------------------------------------------------------------
-- ps_inbound_publications (4 columns)
-- ---------------------------------------------------------------------------
CREATE TABLE ps_inbound_publications (
  id                            varchar(255) NOT NULL UNIQUE,
  endpoint                      varchar(255),
  "event_asterisk-devicestate"  varchar(40),
  "event_asterisk-mwi"          varchar(40)
);
CREATE INDEX ps_inbound_publications_id ON ps_inbound_publications (id);

-- ---------------------------------------------------------------------------
-- ps_asterisk_publications (7 columns)
-- ---------------------------------------------------------------------------
CREATE TABLE ps_asterisk_publications (
  id                    varchar(40) NOT NULL UNIQUE,
  devicestate_publish   varchar(40),
  mailboxstate_publish  varchar(40),
  device_state          ast_bool_values,
  device_state_filter   varchar(256),
  mailbox_state         ast_bool_values,
  mailbox_state_filter  varchar(256)
);
CREATE INDEX ps_asterisk_publications_id ON ps_asterisk_publications (id);

-- ---------------------------------------------------------------------------
-- ps_resource_list (6 columns)
-- ---------------------------------------------------------------------------
CREATE TABLE ps_resource_list (
  id                           varchar(40) NOT NULL UNIQUE,
  list_item                    varchar(2048),
  event                        varchar(40),
  full_state                   ast_bool_values,
  notification_batch_interval  integer,
  resource_display_name        ast_bool_values
);
CREATE INDEX ps_resource_list_id ON ps_resource_list (id);

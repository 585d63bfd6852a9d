-- Asterisk CDR table, written by an unmodified Asterisk 20/22 through cdr_pgsql
-- (see docs/asterisk-notes.md, "CDR to PostgreSQL").
--
-- Source: asterisk/asterisk master at commit f0c1c1a7b79b0f8cc0311649bf36824cbeee30a9
-- (contrib/ast-db-manage/cdr/versions; tree 02ee3efc1df9e57ee2f2a5760845cad0a3b7e7b6 is identical on
-- branch 22 at 69535d483797c1778bea04cfdb05086d6eee54cf and branch 20 at
-- 516d2c60acd8c2999d97905049c52b6d2b839651, and so is cdr/cdr_pgsql.c).
-- Final state after replaying the whole "cdr" alembic tree from base 210693f3123d
-- (create_table cdr) to head 54cde9847798 (accountcode and peeraccount widened 20 -> 80),
-- as alembic renders it on PostgreSQL: sa.String(n) -> VARCHAR(n), sa.DateTime() -> TIMESTAMP
-- WITHOUT TIME ZONE, sa.Integer -> INTEGER. Every column is nullable; Asterisk defines no primary
-- key, no index and no enum type for this table.
--
-- Not created: alembic's own bookkeeping table (alembic_version_cdr, one row '54cde9847798'); add it
-- only if Asterisk's alembic tooling is ever pointed at this database.
--
-- cdr_pgsql reads this table's columns (names, types, NOT NULL, defaults) once, when the module
-- loads, and inserts only into columns whose name it can fill, so:
--  * never add a NOT NULL column without a DEFAULT here: cdr_pgsql would insert '' into it;
--  * after changing columns (or if PostgreSQL was down when cdr_pgsql loaded: it then keeps an empty
--    column list and drops every CDR), change or touch cdr_pgsql.conf and run
--    `module reload cdr_pgsql.so`; a reload with an unchanged file keeps the old column list, and
--    `module unload` is refused while CDRs are active.
-- No BEGIN/COMMIT: the migrator wraps this file in a transaction.

CREATE TABLE cdr (
  accountcode VARCHAR(80),
  src VARCHAR(80),
  dst VARCHAR(80),
  dcontext VARCHAR(80),
  clid VARCHAR(80),
  channel VARCHAR(80),
  dstchannel VARCHAR(80),
  lastapp VARCHAR(80),
  lastdata VARCHAR(80),
  start TIMESTAMP WITHOUT TIME ZONE,
  answer TIMESTAMP WITHOUT TIME ZONE,
  "end" TIMESTAMP WITHOUT TIME ZONE,
  duration INTEGER,
  billsec INTEGER,
  disposition VARCHAR(45),
  amaflags VARCHAR(45),
  userfield VARCHAR(256),
  uniqueid VARCHAR(150),
  linkedid VARCHAR(150),
  peeraccount VARCHAR(80),
  sequence INTEGER
);

-- ---------------------------------------------------------------------------
-- CapConduit's additions (not part of Asterisk's schema): indexes for reconciling CDRs with
-- CapConduit's own call records. They change nothing cdr_pgsql sees.
-- ---------------------------------------------------------------------------

-- uniqueid is the Party A channel's ${UNIQUEID} (= agi_uniqueid in FastAGI). Not unique: one channel
-- can leave several rows (each dialed party, each new dialplan segment; "sequence" differs).
CREATE INDEX cdr_capconduit_uniqueid ON cdr (uniqueid);
-- "end" is written by cdr_pgsql as Asterisk-local wall-clock time (or cdr_pgsql.conf timezone=),
-- whole seconds; reconciliation scans by time window.
CREATE INDEX cdr_capconduit_end ON cdr ("end");

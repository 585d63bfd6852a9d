-- Login throttling by client address and by account, with growing delays (issue 13), replaces
-- the per-e-mail lock: five wrong passwords from anyone locked any account, the admin's
-- included, for 15 minutes, and the right password then got 429.
--   addr:<address>          every failed login from one client address
--   pair:<address> <email>  one account from one address
--   acct:<email>            one account from anywhere (a guess spread over many addresses)
-- From a key's allowed number of failures on, each blocks it for 1, 2, 4 … seconds, up to its cap; a key
-- with no failure for the lockout window starts over. Checked before any password is hashed.
DROP TABLE login_failures;

CREATE TABLE login_throttle (
  key           text PRIMARY KEY,
  failures      integer NOT NULL,
  blocked_until timestamptz,
  updated_at    timestamptz NOT NULL
);
CREATE INDEX login_throttle_updated_at ON login_throttle (updated_at);

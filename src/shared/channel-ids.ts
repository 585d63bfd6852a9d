import { randomUUID } from 'node:crypto';

/**
 * The ids CapConduit gives the channels it originates through ARI (Asterisk takes them as the
 * channels' uniqueids): `cc-<uuid>-<role letter>`. The CDR reconciler uses the pattern to tell
 * these channels from calls that came in through the inbound dialplan, since an originated
 * channel to a carrier writes its CDR in the carrier endpoint's context, which is the inbound one.
 */
export const originatedChannelId = (role: string): string => `cc-${randomUUID()}-${role.slice(0, 1)}`;

/** The same ids as a PostgreSQL regular expression. */
export const ORIGINATED_CHANNEL_ID_SQL =
  '^cc-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-[a-z]$';

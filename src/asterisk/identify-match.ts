/**
 * Whether an address:port falls inside an identify `match` entry, as res_pjsip_endpoint_identifier_ip
 * and main/acl.c `ast_apply_ha()` decide it (docs/asterisk-notes.md §8): `addr[:port][/mask]`,
 * `[v6addr][:port][/mask]`, bare IPv6 with a mask, or a host name (compared by name only: this
 * check does not resolve names).
 */
import { BlockList, isIP } from 'node:net';

export type MatchEntry =
  | { kind: 'ip'; text: string; list: BlockList; port: number | undefined }
  | { kind: 'host'; text: string; host: string; port: number | undefined };

/** A dotted mask (255.255.255.0) as a prefix length, or undefined when it is not contiguous. */
function maskBits(mask: string): number | undefined {
  if (/^\d+$/.test(mask)) return Number(mask);
  if (isIP(mask) !== 4) return undefined;
  const n = mask.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const bits = n.toString(2).padStart(32, '0');
  return /^1*0*$/.test(bits) ? (bits.indexOf('0') === -1 ? 32 : bits.indexOf('0')) : undefined;
}

function splitAddress(entry: string): { addr: string; port: number | undefined; mask: string | undefined } {
  const slash = entry.lastIndexOf('/');
  const mask = slash >= 0 ? entry.slice(slash + 1) : undefined;
  const rest = slash >= 0 ? entry.slice(0, slash) : entry;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (bracket) return { addr: bracket[1]!, port: bracket[2] ? Number(bracket[2]) : undefined, mask };
  if (isIP(rest) === 6) return { addr: rest, port: undefined, mask };
  const colon = /^(.*):(\d+)$/.exec(rest);
  return colon ? { addr: colon[1]!, port: Number(colon[2]), mask } : { addr: rest, port: undefined, mask };
}

/** One entry of a `match` value; undefined for text Asterisk would refuse. */
export function parseMatchEntry(entry: string): MatchEntry | undefined {
  const text = entry.trim();
  const { addr, port, mask } = splitAddress(text);
  const family = isIP(addr);
  if (family === 0)
    return mask === undefined && addr !== ''
      ? { kind: 'host', text, host: addr.toLowerCase(), port }
      : undefined;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const bits = mask === undefined ? (family === 4 ? 32 : 128) : maskBits(mask);
  if (bits === undefined || bits > (family === 4 ? 32 : 128)) return undefined;
  const list = new BlockList();
  list.addSubnet(addr, bits, type);
  return { kind: 'ip', text, list, port };
}

/** Entries of a comma-separated `match` value (unparseable ones are left out). */
export function parseMatch(value: string): MatchEntry[] {
  return value
    .split(',')
    .map(parseMatchEntry)
    .filter((e): e is MatchEntry => e !== undefined);
}

/** Does a request from `host:port` match the entry? A port counts only when the entry has one. */
export function entryContains(entry: MatchEntry, host: string, port: number): boolean {
  if (entry.port !== undefined && entry.port !== port) return false;
  const family = isIP(host);
  if (entry.kind === 'host') return family === 0 && entry.host === host.toLowerCase();
  return family !== 0 && entry.list.check(host, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Which addresses a seller's webhook may not reach (unless an admin allows it): loopback, private,
 * link-local (incl. cloud metadata at 169.254.169.254), carrier-grade NAT, unique-local, multicast
 * and unspecified ones, in IPv4 and IPv6 (IPv4-mapped IPv6 included).
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

const INTERNAL = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const)
  INTERNAL.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  INTERNAL.addSubnet(net, prefix, 'ipv6');

/** True when `ip` (IPv4 or IPv6 text) is an internal address. */
export function isInternalAddress(ip: string): boolean {
  const bare = ip.replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped) return INTERNAL.check(mapped[1]!, 'ipv4');
  const family = isIP(bare);
  if (family === 0) return false;
  return INTERNAL.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

/** A URL's host as written: an internal address literal, or `localhost`. */
export function isInternalHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || isInternalAddress(host);
}

/** The first internal address `hostname` resolves to, if any (every address is checked). */
export async function internalAddressOf(hostname: string): Promise<string | undefined> {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (isInternalHost(host)) return host;
  if (isIP(host) !== 0) return undefined;
  const addresses = await lookup(host, { all: true, verbatim: true });
  return addresses.find((a) => isInternalAddress(a.address))?.address;
}

import { BlockList, isIP } from 'node:net';

/**
 * Which addresses a Client ID Metadata Document may be fetched from: global unicast only. The
 * fetch is made by our Lambda on a URL anyone can choose, so loopback, private, link-local,
 * CGNAT, documentation, benchmarking, multicast and reserved ranges are refused, and so are the
 * cloud metadata endpoints (169.254.169.254, AWS's fd00:ec2::254). IPv6 is allowed only inside
 * 2000::/3 minus the special blocks in it; IPv4-mapped addresses (::ffff:a.b.c.d) are judged by
 * their IPv4 address (net.BlockList does that itself); NAT64 and the old IPv4-compatible ::/96
 * forms are refused as ranges, since they may reach any IPv4 address.
 */
const refused = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15],
  ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) {
  refused.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 96], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['2001::', 23], ['2001:db8::', 32], ['2002::', 16],
  ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) {
  refused.addSubnet(network, prefix, 'ipv6');
}
const globalUnicastV6 = new BlockList();
globalUnicastV6.addSubnet('2000::', 3, 'ipv6');

export type AddressVerdict = { ok: true } | { ok: false; reason: string };

export function checkAddress(address: string): AddressVerdict {
  const family = isIP(address);
  if (family === 0) return { ok: false, reason: `${address} is not an IP address` };
  if (family === 4) {
    return refused.check(address, 'ipv4') ? { ok: false, reason: `${address} is not a public address` } : { ok: true };
  }
  // IPv4-mapped (::ffff:a.b.c.d, in any spelling): BlockList matches it against the IPv4 rules.
  const canonical = new URL(`http://[${address}]/`).hostname;
  if (/^\[::ffff:[0-9a-f]{1,4}:[0-9a-f]{1,4}\]$/.test(canonical)) {
    return refused.check(address, 'ipv6') ? { ok: false, reason: `${address} maps to a non-public IPv4 address` } : { ok: true };
  }
  if (refused.check(address, 'ipv6') || !globalUnicastV6.check(address, 'ipv6')) {
    return { ok: false, reason: `${address} is not a public address` };
  }
  return { ok: true };
}

import { describe, expect, it } from 'vitest';
import { checkAddress } from '../../dcr/cimd/address-policy.js';

describe('CIMD address policy: global unicast only', () => {
  const refused = [
    // IPv4: this network, private, CGNAT, loopback, link-local (cloud metadata), protocol
    // assignments, documentation, 6to4 relay, benchmarking, multicast, reserved, broadcast.
    '0.0.0.0', '0.1.2.3', '10.0.0.1', '10.255.255.255', '100.64.0.1', '100.127.255.254', '127.0.0.1', '127.1.2.3',
    '169.254.169.254', '169.254.0.1', '172.16.0.1', '172.31.255.255', '192.0.0.8', '192.0.2.1', '192.88.99.1',
    '192.168.1.1', '198.18.0.1', '198.19.255.255', '198.51.100.7', '203.0.113.9', '224.0.0.1', '239.255.255.250',
    '240.0.0.1', '255.255.255.255',
    // IPv6: unspecified, loopback, IPv4-compatible, NAT64 (both), TEREDO and ORCHID (2001::/23),
    // documentation, 6to4, ULA (AWS IMDS fd00:ec2::254), link-local, site-local, multicast, outside 2000::/3.
    '::', '::1', '::127.0.0.1', '::a.b.c.d'.replace('a.b.c.d', '10.0.0.1'), '64:ff9b::7f00:1', '64:ff9b::a9fe:a9fe',
    '64:ff9b:1::1', '2001::1', '2001:0:4136:e378:8000:63bf:3fff:fdd2', '2001:db8::1', '2002:7f00:1::1', 'fc00::1',
    'fd00:ec2::254', 'fe80::1', 'fec0::1', 'ff02::1', '4000::1', '100::1',
    // IPv4-mapped: judged by the IPv4 address, in any spelling.
    '::ffff:127.0.0.1', '::ffff:7f00:1', '0:0:0:0:0:ffff:7f00:1', '::ffff:169.254.169.254', '::ffff:10.0.0.1', '::FFFF:192.168.0.1',
    // Not addresses at all.
    'localhost', '', '1.2.3', '::g',
  ];
  const allowed = ['8.8.8.8', '1.1.1.1', '93.184.216.34', '100.63.255.255', '100.128.0.1', '172.32.0.1', '192.0.1.1', '198.20.0.1',
    '223.255.255.255', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e', '2001:4860:4860::8888', '::ffff:8.8.8.8'];

  it(`refuses ${refused.length} non-public addresses`, () => {
    expect(refused.length).toBeGreaterThanOrEqual(40);
    for (const address of refused) expect(checkAddress(address).ok, address).toBe(false);
  });

  it(`allows ${allowed.length} public ones`, () => {
    for (const address of allowed) expect(checkAddress(address), address).toEqual({ ok: true });
  });
});

import { REFUSED_URL, checkWebhookUrl, isPublicAddress } from './urlPolicy';

describe('isPublicAddress', () => {
  test.each([
    ['93.184.216.34', true],
    ['2606:2800:220:1:248:1893:25c8:1946', true],
    ['127.0.0.1', false],
    ['10.1.2.3', false],
    ['172.16.0.1', false],
    ['172.32.0.1', true],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['224.0.0.1', false],
    ['::1', false],
    ['::', false],
    ['fd00::1', false],
    ['fe80::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:7f00:1', false],
    ['64:ff9b::a00:1', false],
    ['64:ff9b:1::1', false],
    ['2002:a00:1::1', false],
    ['2001::1', false],
    ['2001:0:4136:e378::1', false],
    // Documentation prefix (RFC 3849): not global unicast, so refused since the policy uses ipaddr.js.
    ['2001:db8::1', false],
    ['not-an-ip', false],
    // Special-purpose IPv4 ranges (RFC 6890) the hand-written table missed.
    ['198.18.0.1', false], // benchmarking, RFC 2544
    ['198.19.255.254', false],
    ['192.0.0.8', false], // IETF protocol assignments
    ['192.0.2.1', false], // TEST-NET-1, RFC 5737
    ['198.51.100.7', false], // TEST-NET-2
    ['203.0.113.9', false], // TEST-NET-3
    ['192.88.99.1', false], // 6to4 relay anycast, RFC 7526
    ['192.31.196.1', false], // AS112, RFC 7535
    ['192.52.193.1', false], // AMT, RFC 7450
    ['240.0.0.1', false], // reserved, RFC 1112
    ['255.255.255.255', false],
    ['198.20.0.1', true],
    ['192.0.3.1', true],
    // Special-purpose IPv6 ranges.
    ['100::1', false], // discard-only, RFC 6666
    ['2001:2::1', false], // benchmarking, RFC 5180
    ['2001:10::1', false], // ORCHID, RFC 4843
    ['2001:20::1', false], // ORCHIDv2, RFC 7343
    ['3fff::1', false], // documentation, RFC 9637
    ['fec0::1', false], // site-local, RFC 3879
    ['5f00::1', false], // segment routing, RFC 9602
    ['::7f00:1', false], // IPv4-compatible (deprecated), outside 2000::/3
    ['::ffff:0:7f00:1', false], // IPv4-translated, RFC 6145
    ['4000::1', false], // unassigned, outside 2000::/3
    ['::ffff:8.8.8.8', true],
    ['2a00:1450:4001:80b::200e', true],
  ])('%s → %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});

describe('checkWebhookUrl', () => {
  test.each([
    ['https://hooks.example.com/dsync', false, undefined],
    ['ftp://hooks.example.com/', false, 'url must use http or https'],
    ['https://user:pw@hooks.example.com/', false, 'url must not contain credentials'],
    ['http://localhost:8080/', false, REFUSED_URL],
    ['http://[64:ff9b::a00:1]/', false, REFUSED_URL],
    ['http://198.18.0.1/', false, REFUSED_URL],
    ['http://[2001:db8::1]/', false, REFUSED_URL],
    ['http://localhost:8080/', true, undefined],
    ['not a url', false, 'url must be an absolute http(s) URL'],
  ])('%s (private allowed: %s)', (url, allowPrivate, expected) => {
    expect(checkWebhookUrl(url, allowPrivate)).toBe(expected);
  });
});

test('the refusal names the setting that allows private networks', () => {
  expect(REFUSED_URL).toBe(
    'url must not point to a private, loopback or special-purpose address (WEBHOOK_ALLOW_PRIVATE_NETWORKS=true allows them)',
  );
});

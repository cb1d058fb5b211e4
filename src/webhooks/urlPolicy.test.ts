import { checkWebhookUrl, isPublicAddress } from './urlPolicy';

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
    ['2001:db8::1', true],
    ['not-an-ip', false],
  ])('%s → %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});

describe('checkWebhookUrl', () => {
  test.each([
    ['https://hooks.example.com/dsync', false, undefined],
    ['ftp://hooks.example.com/', false, 'url must use http or https'],
    ['https://user:pw@hooks.example.com/', false, 'url must not contain credentials'],
    ['http://localhost:8080/', false, 'url must not point to a private or loopback address'],
    ['http://[64:ff9b::a00:1]/', false, 'url must not point to a private or loopback address'],
    ['http://localhost:8080/', true, undefined],
    ['not a url', false, 'url must be an absolute http(s) URL'],
  ])('%s (private allowed: %s)', (url, allowPrivate, expected) => {
    expect(checkWebhookUrl(url, allowPrivate)).toBe(expected);
  });
});

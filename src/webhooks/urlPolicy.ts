import { lookup } from 'node:dns/promises';
import net from 'node:net';
import ipaddr from 'ipaddr.js';

/** The setting that lets webhooks reach private networks; every refusal names it. */
export const PRIVATE_NETWORKS_SETTING = 'WEBHOOK_ALLOW_PRIVATE_NETWORKS';

// IPv6 global unicast is 2000::/3 (RFC 4291 §2.4); the rest of the space is unassigned or special.
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/**
 * Where webhooks may go: global unicast addresses only, unless private networks are
 * allowed, so an environment key cannot make the server call into its own network
 * (SSRF). ipaddr.js classifies the special-purpose ranges of the IANA registries
 * (RFC 6890: loopback, private, link-local, CGNAT, benchmarking 198.18.0.0/15, IETF
 * 192.0.0.0/24, documentation, multicast, reserved, …); anything it does not call
 * `unicast` is refused. Translation prefixes that can carry a private IPv4 address —
 * NAT64 (RFC 6052, RFC 8215), 6to4 (RFC 3056), Teredo (RFC 4380) — are special ranges
 * too. An IPv4-mapped address (RFC 4291 §2.5.5.2) reaches its IPv4 address, so it is
 * judged as that address. Checked at creation on the URL and at delivery on every
 * resolved address.
 */
export function isPublicAddress(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, '');
  // net.isIP accepts only the canonical forms; ipaddr.js would also read `0x7f.1` and the like.
  if (net.isIP(ip) === 0) return false;
  let parsed = ipaddr.parse(ip);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  if (parsed.range() !== 'unicast') return false;
  return parsed.kind() === 'ipv4' || (parsed as ipaddr.IPv6).match(GLOBAL_UNICAST_V6);
}

/** The refusal of a URL whose host is not a public address. */
export const REFUSED_URL = `url must not point to a private, loopback or special-purpose address (${PRIVATE_NETWORKS_SETTING}=true allows them)`;

/** Validates a webhook URL's form: http(s), a host, no credentials. Returns an error message or undefined. */
export function checkWebhookUrl(raw: string, allowPrivate: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'url must be an absolute http(s) URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'url must use http or https';
  if (url.username || url.password) return 'url must not contain credentials';
  if (!allowPrivate) {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (host === 'localhost' || host.endsWith('.localhost')) return REFUSED_URL;
    if (net.isIP(host) && !isPublicAddress(host)) return REFUSED_URL;
  }
  return undefined;
}

/** The error of an attempt refused by the address policy. */
function refusedAddressMessage(hostname: string): string {
  return `Refused to connect to ${hostname}: private, loopback or special-purpose address (${PRIVATE_NETWORKS_SETTING}=true allows them)`;
}

/**
 * The refusal for a URL host that is a literal IP address (`127.0.0.1`, `[::1]`), or
 * undefined. Node connects to literal addresses without calling the lookup function,
 * so guardedLookup never sees them: they are checked here, before connecting.
 */
export function literalAddressRefusal(hostname: string, allowPrivate: boolean): string | undefined {
  const ip = hostname.replace(/^\[|\]$/g, '');
  if (allowPrivate || !net.isIP(ip) || isPublicAddress(ip)) return undefined;
  return refusedAddressMessage(hostname);
}

/**
 * A dns.lookup replacement for http.request that refuses private addresses after
 * resolution, so the address checked is the address connected to (no DNS rebinding).
 */
export function guardedLookup(allowPrivate: boolean) {
  return (
    hostname: string,
    options: { family?: number | string; all?: boolean },
    callback: (err: NodeJS.ErrnoException | null, address: string | { address: string; family: number }[], family?: number) => void,
  ) => {
    lookup(hostname, { all: true })
      .then((addresses) => {
        const refused = addresses.find((a) => !allowPrivate && !isPublicAddress(a.address));
        if (refused || addresses.length === 0) {
          const err: NodeJS.ErrnoException = new Error(refusedAddressMessage(hostname));
          err.code = 'EPRIVATEADDRESS';
          callback(err, '', 0);
          return;
        }
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0].address, addresses[0].family);
      })
      .catch((err) => callback(err, '', 0));
  };
}

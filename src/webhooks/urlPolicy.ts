import { lookup } from 'node:dns/promises';
import net from 'node:net';

/**
 * Where webhooks may go. Loopback, private (RFC 1918, RFC 4193), link-local, CGNAT and
 * unspecified addresses are refused unless private networks are allowed, so an
 * environment key cannot make the server call into its own network (SSRF). Checked
 * at creation on the URL and at delivery on every resolved address.
 */
export function isPublicAddress(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, '');
  const v4 = net.isIPv4(ip) ? ip : /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1] ?? mappedHexIPv4(ip);
  if (v4) {
    const [a, b] = v4.split('.').map(Number);
    if (a === 0 || a === 10 || a === 127) return false;
    if (a === 169 && b === 254) return false;
    if (a === 172 && b >= 16 && b <= 31) return false;
    if (a === 192 && b === 168) return false;
    if (a === 100 && b >= 64 && b <= 127) return false;
    if (a >= 224) return false;
    return true;
  }
  if (!net.isIPv6(ip)) return false;
  const lower = ip.toLowerCase();
  if (lower === '::' || lower === '::1') return false;
  if (/^f[cd]/.test(lower)) return false; // unique local fc00::/7
  if (/^fe[89ab]/.test(lower)) return false; // link-local fe80::/10
  if (/^ff/.test(lower)) return false; // multicast
  // Translation prefixes can carry an IPv4 address of a private network: NAT64
  // (64:ff9b::/96, RFC 6052; 64:ff9b:1::/48, RFC 8215), 6to4 (2002::/16, RFC 3056) and
  // Teredo (2001::/32, RFC 4380). Webhook receivers do not live there; refuse them all.
  if (/^64:ff9b:/.test(lower) || /^2002:/.test(lower) || /^2001:(0{1,4})?:/.test(lower)) return false;
  return true;
}

/**
 * The IPv4 address inside an IPv4-mapped IPv6 address written in hex (`::ffff:7f00:1`,
 * how the URL parser serialises `[::ffff:127.0.0.1]`); connecting to it reaches that
 * IPv4 address (RFC 4291 §2.5.5.2), so it is judged as one.
 */
function mappedHexIPv4(ip: string): string | undefined {
  const m = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(ip);
  if (!m) return undefined;
  const [hi, lo] = [parseInt(m[1], 16), parseInt(m[2], 16)];
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

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
    if (host === 'localhost' || host.endsWith('.localhost')) return 'url must not point to a private or loopback address';
    if (net.isIP(host) && !isPublicAddress(host)) return 'url must not point to a private or loopback address';
  }
  return undefined;
}

/** The error of an attempt refused by the address policy. */
function refusedAddressMessage(hostname: string): string {
  return `Refused to connect to ${hostname}: private or loopback address`;
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

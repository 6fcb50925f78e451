import dns from 'node:dns';
import net from 'node:net';
import { AppError } from '../../platform/errors.ts';

/**
 * Where a webhook may point. The desk POSTs from inside the customer's network, so an admin's URL (or a
 * hostname whose DNS changes later) must not reach the desk's own machine, the cloud metadata service or
 * other private hosts: addresses are checked on save and again for every connection, on the address
 * actually dialled.
 */
const refused = new net.BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  refused.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b::', 96], // NAT64: reaches IPv4 addresses through a translator
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001::', 32], // Teredo
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: embeds any IPv4 address
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  refused.addSubnet(network, prefix, 'ipv6');
}

/** An IPv4 address written as IPv6 (`::ffff:127.0.0.1`) is the IPv4 address for every purpose here. */
function unmapped(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (hex) {
    const high = parseInt(hex[1]!, 16);
    const low = parseInt(hex[2]!, 16);
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  return address;
}

/** True for an address a webhook may reach without the admin's "allow private addresses". */
export function isPublicAddress(address: string): boolean {
  const plain = unmapped(address);
  const family = net.isIP(plain);
  if (family === 0) return false;
  return !refused.check(plain, family === 4 ? 'ipv4' : 'ipv6');
}

export interface UrlPolicy {
  /** The admin ticked "allow private addresses": loopback, private ranges and plain http are accepted. */
  allowPrivate: boolean;
}

export type Lookup = (hostname: string) => Promise<{ address: string; family: number }[]>;

export const systemLookup: Lookup = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

function invalid(code: string, message: string, details?: Record<string, unknown>): AppError {
  return new AppError(`outgoing_webhook.${code}`, 'invalid', message, details);
}

/** The URL's shape: scheme, no embedded password, a host. Throws a clear AppError. */
export function parseWebhookUrl(raw: string, policy: UrlPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw invalid('url_invalid', 'This is not a valid URL.');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowPrivate)) {
    throw invalid(
      'url_not_https',
      url.protocol === 'http:'
        ? 'Use an https:// URL (plain http is only allowed with "allow private addresses").'
        : 'Use an https:// URL.',
    );
  }
  if (url.username || url.password) {
    throw invalid(
      'url_has_credentials',
      'Put no user name or password in the URL: the signature authenticates the desk.',
    );
  }
  if (!url.hostname) throw invalid('url_invalid', 'This URL has no host.');
  url.hash = '';
  return url;
}

/** The host without IPv6 brackets, as DNS and `net.isIP` want it. */
export function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** Every address the host resolves to must be allowed: one private answer is enough to refuse. */
export function assertAddressesAllowed(host: string, addresses: string[], policy: UrlPolicy): void {
  if (policy.allowPrivate) return;
  const blocked = addresses.find((address) => !isPublicAddress(address));
  if (blocked !== undefined) {
    throw invalid(
      'address_refused',
      `${host} leads to ${blocked}, a loopback, private, link-local or reserved address. Tick "allow private addresses" only for a receiver on your own network.`,
      { address: blocked },
    );
  }
}

/** The full check made when a webhook is saved: shape, then DNS, then every address. */
export async function checkWebhookUrl(raw: string, policy: UrlPolicy, lookup: Lookup = systemLookup): Promise<URL> {
  const url = parseWebhookUrl(raw, policy);
  const host = bareHost(url);
  if (net.isIP(host)) {
    assertAddressesAllowed(host, [host], policy);
    return url;
  }
  let addresses: string[];
  try {
    addresses = (await lookup(host)).map((a) => a.address);
  } catch (error) {
    throw invalid('host_unresolved', `${host} does not resolve: ${(error as Error).message}`);
  }
  if (addresses.length === 0) throw invalid('host_unresolved', `${host} does not resolve.`);
  assertAddressesAllowed(host, addresses, policy);
  return url;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | dns.LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for node:http that checks the addresses of the connection itself, so a DNS answer that changes
 * between the check and the connection (rebinding) cannot reach a private host.
 */
export function guardedLookup(policy: UrlPolicy, lookup: Lookup = systemLookup) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    lookup(hostname)
      .then((found) => {
        const usable = options.family ? found.filter((a) => a.family === options.family) : found;
        if (usable.length === 0) throw invalid('host_unresolved', `${hostname} does not resolve.`);
        assertAddressesAllowed(
          hostname,
          usable.map((a) => a.address),
          policy,
        );
        if (options.all) callback(null, usable);
        else callback(null, usable[0]!.address, usable[0]!.family);
      })
      .catch((error: NodeJS.ErrnoException) => callback(error, '', 0));
  };
}

// SSRF guard: stem downloads may only reach public addresses over https, unless an operator allowed the
// host explicitly (DOWNLOAD_ALLOW_HOSTS). The check runs inside the socket's DNS lookup, so the address
// that was checked is the address connected to (no DNS-rebinding gap).
import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';

const blocked = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96], ['2001:db8::', 32]] as const) {
  blocked.addSubnet(net, bits, 'ipv6');
}

/** Is this literal IP address private, loopback, link-local, reserved or otherwise not public? */
export function isPrivateAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) return blocked.check(ip, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
    if (mapped) return blocked.check(mapped[1]!, 'ipv4');
    return blocked.check(ip, 'ipv6');
  }
  return true; // not an IP at all: refuse
}

export class AllowList {
  private readonly entries: Set<string>;
  constructor(hosts: string[]) {
    this.entries = new Set(hosts.map((h) => h.toLowerCase()));
  }
  /** For the in-process simulator, whose address is known only after listen. */
  add(host: string): void {
    this.entries.add(host.toLowerCase());
  }
  /** `host` is `url.host` (with port when given), `hostname` without. */
  allows(url: URL): boolean {
    return this.entries.has(url.host.toLowerCase()) || this.entries.has(url.hostname.toLowerCase());
  }
}

export type UrlVerdict = { ok: true } | { ok: false; reason: string };

/** The checks that need no DNS: scheme, literal private IPs. Used by the callback route and the downloader. */
export function checkUrlSyntax(raw: string, allow: AllowList): UrlVerdict {
  if (!URL.canParse(raw)) return { ok: false, reason: 'not a URL' };
  const url = new URL(raw);
  if (allow.allows(url)) return /^https?:$/.test(url.protocol) ? { ok: true } : { ok: false, reason: `scheme ${url.protocol} is not allowed` };
  if (url.protocol !== 'https:') return { ok: false, reason: `scheme ${url.protocol} is not allowed (https only)` };
  if (url.username || url.password) return { ok: false, reason: 'credentials in URLs are not allowed' };
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (isIP(host) && isPrivateAddress(host)) return { ok: false, reason: `address ${host} is not public` };
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal') || host.endsWith('.local')) {
    return { ok: false, reason: `host ${host} is not public` };
  }
  return { ok: true };
}

type LookupCb = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for net/tls.connect that refuses private answers. */
export function guardedLookup(hostname: string, options: { all?: boolean }, cb: LookupCb): void {
  dnsLookup(hostname, { all: true }, (err, addresses) => {
    if (err) return cb(err, []);
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad) {
      const e = Object.assign(new Error(`refused: ${hostname} resolves to non-public ${bad.address}`), { code: 'ESSRF' });
      return cb(e, []);
    }
    if (options.all) return cb(null, addresses);
    cb(null, addresses[0]!.address, addresses[0]!.family);
  });
}

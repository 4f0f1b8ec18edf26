// SSRF guard: stem downloads may only reach public addresses over https, unless an operator allowed the
// host explicitly (DOWNLOAD_ALLOW_HOSTS) or stembot allowed a path of its own server (the demo simulator's
// /kie-sim/ files). The check runs inside the socket's DNS lookup, so the address that was checked is the
// address connected to (no DNS-rebinding gap). Which ranges are refused and why: docs/ssrf-guard.md.
import ipaddr from 'ipaddr.js';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';

export type AddressVerdict = { public: true } | { public: false; range: string };

// Global unicast is 2000::/3 (RFC 4291); everything outside it is reserved or special-purpose. ipaddr.js
// calls the IPv4-compatible block ::/96 and IANA's newer blocks outside 2000::/3 (100:0:0:1::/64, …)
// `unicast`, so this bound catches them, and any block IANA adds there later.
const globalUnicast6 = ipaddr.IPv6.parseCIDR('2000::/3');

/**
 * Is this parsed address public? IPv4: only ipaddr.js's `unicast` (every other range — private, loopback,
 * link-local, CGNAT, reserved, benchmarking, AS112, AMT, multicast, broadcast — is special-purpose).
 * IPv6: only `unicast` inside 2000::/3. IPv4-mapped (::ffff:0:0/96), IPv4-compatible (::/96), NAT64,
 * 6to4 and Teredo addresses are refused whatever IPv4 address they embed: no public host resolves to one.
 */
function classifyAddress(addr: ipaddr.IPv4 | ipaddr.IPv6): AddressVerdict {
  const range = addr.range();
  if (addr.kind() === 'ipv4') return range === 'unicast' ? { public: true } : { public: false, range };
  const v6 = addr as ipaddr.IPv6;
  if (range === 'ipv4Mapped') return { public: false, range: `ipv4Mapped ${v6.toIPv4Address().toString()}` };
  if (range !== 'unicast') return { public: false, range };
  if (!v6.match(globalUnicast6)) return { public: false, range: v6.parts.slice(0, 6).every((p) => p === 0) ? 'ipv4Compatible' : 'outside 2000::/3' };
  return { public: true };
}

/** Is this literal IP address (any spelling ipaddr.js parses) private, loopback, reserved or otherwise not public? */
export function isPrivateAddress(ip: string): boolean {
  if (!ipaddr.isValid(ip)) return true; // not an IP at all: refuse
  return !classifyAddress(ipaddr.parse(ip)).public;
}

export type HostVerdict =
  /** A literal public IP address. */
  | { ok: true; kind: 'ip' }
  /** A name: its addresses are checked when the connection resolves it (guardedLookup). */
  | { ok: true; kind: 'name' }
  | { ok: false; reason: string };

const localNames = /(^|\.)(localhost|local|internal)$/;

/**
 * A pure verdict on a URL's host (`url.hostname`, brackets allowed). Literal addresses are parsed the way
 * the system resolver would (ipaddr.js, like inet_aton, reads `127.1`, `0x7f.1` and `2130706433` as
 * 127.0.0.1), so no spelling of a special-purpose address reads as a name. Same input, same verdict: safe to cache.
 */
export function classifyHost(host: string): HostVerdict {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (h === '') return { ok: false, reason: 'empty host' };
  if (ipaddr.isValid(h)) {
    const v = classifyAddress(ipaddr.parse(h));
    return v.public ? { ok: true, kind: 'ip' } : { ok: false, reason: `address ${h} is not public (${v.range})` };
  }
  if (h.includes(':') || /^[0-9.]+$/.test(h) || /^0x[0-9a-f]+$/.test(h)) return { ok: false, reason: `host ${h} is not a valid address` };
  if (localNames.test(h)) return { ok: false, reason: `host ${h} is not public` };
  return { ok: true, kind: 'name' };
}

export class AllowList {
  /** host (with or without port) → path prefixes allowed on it; `null` = the whole host. */
  private readonly entries = new Map<string, string[] | null>();
  constructor(hosts: string[]) {
    for (const h of hosts) this.add(h);
  }
  /** Allow a whole host (DOWNLOAD_ALLOW_HOSTS: the operator's choice). */
  add(host: string): void {
    this.entries.set(host.toLowerCase(), null);
  }
  /**
   * Allow only paths under `prefix` on `host` (`host:port`): the in-process simulator's files, whose address is
   * known only after listen. The rest of that server (/metrics, /playground, …) stays refused.
   */
  addPath(host: string, prefix: string): void {
    const key = host.toLowerCase();
    const current = this.entries.get(key);
    if (current === null) return;
    this.entries.set(key, [...(current ?? []), prefix.endsWith('/') ? prefix : `${prefix}/`]);
  }
  get isEmpty(): boolean {
    return this.entries.size === 0;
  }
  /** `host` is `url.host` (with port when given), `hostname` without. */
  allows(url: URL): boolean {
    if (this.isEmpty) return false; // the usual case, on every result URL of every callback
    for (const key of [url.host.toLowerCase(), url.hostname.toLowerCase()]) {
      if (!this.entries.has(key)) continue;
      const prefixes = this.entries.get(key);
      if (prefixes === null) return true;
      // The WHATWG parser has already resolved `..` and `%2e%2e`; an encoded slash or backslash could still
      // be read as a separator by the server's router, so such a path never counts as inside the prefix.
      if (/%2f|%5c|%2e/i.test(url.pathname)) return false;
      if (prefixes!.some((p) => url.pathname.startsWith(p))) return true;
    }
    return false;
  }
}

export type UrlVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Host verdicts already reached (classifyHost is pure): a callback names up to 12 files on the same one or two
 * hosts, so each is classified once, not once per URL. Bounded: emptied when full.
 */
const hostVerdicts = new Map<string, HostVerdict>();
const HOST_VERDICTS_MAX = 1_024;

function classifyHostCached(hostname: string): HostVerdict {
  let v = hostVerdicts.get(hostname);
  if (v === undefined) {
    if (hostVerdicts.size >= HOST_VERDICTS_MAX) hostVerdicts.clear();
    v = classifyHost(hostname);
    hostVerdicts.set(hostname, v);
  }
  return v;
}

/** The checks that need no DNS: scheme, literal private IPs. Used by the callback route and the downloader. */
export function checkUrlSyntax(raw: string, allow: AllowList): UrlVerdict {
  // One parse per URL (URL.canParse followed by new URL parsed every URL twice).
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not a URL' };
  }
  if (allow.allows(url)) return /^https?:$/.test(url.protocol) ? { ok: true } : { ok: false, reason: `scheme ${url.protocol} is not allowed` };
  if (url.protocol !== 'https:') return { ok: false, reason: `scheme ${url.protocol} is not allowed (https only)` };
  if (url.username || url.password) return { ok: false, reason: 'credentials in URLs are not allowed' };
  const host = classifyHostCached(url.hostname);
  return host.ok ? { ok: true } : host;
}

/**
 * A plain https authority at the start of a URL: lowercase letters, digits, dots and hyphens, an optional
 * port, then the end or `/`, `?`, `#`. For a special scheme the WHATWG parser reads the host from exactly
 * these characters (the path, query and fragment can neither fail the parse nor change the host), and with
 * no `@` there are no credentials — so every URL with the same such prefix gets the same verdict. Anything
 * else (uppercase, `%`, `@`, `[`, `\`, whitespace, another scheme) is not matched and is parsed in full.
 */
const PLAIN_HTTPS_AUTHORITY = /^https:\/\/[a-z0-9.-]{1,253}(?::\d{1,5})?(?=[/?#]|$)/;
const AUTHORITY_VERDICTS_MAX = 4_096;

/**
 * checkUrlSyntax with its verdicts remembered by scheme and authority: a callback brings a dozen result URLs,
 * usually on one or two CDN hosts, and parsing each was ~5 % of the intake's time (docs/intake-performance.md).
 * Only while the allow list is empty: an allowed host's verdict can depend on the path (AllowList.addPath).
 */
export class UrlChecker {
  private readonly verdicts = new Map<string, UrlVerdict>();
  constructor(private readonly allow: AllowList) {}

  check(raw: string): UrlVerdict {
    const m = this.allow.isEmpty ? PLAIN_HTTPS_AUTHORITY.exec(raw) : null;
    if (!m) return checkUrlSyntax(raw, this.allow);
    const key = m[0];
    let v = this.verdicts.get(key);
    if (v === undefined) {
      if (this.verdicts.size >= AUTHORITY_VERDICTS_MAX) this.verdicts.clear();
      v = checkUrlSyntax(raw, this.allow);
      this.verdicts.set(key, v);
    }
    return v;
  }
}

type LookupCb = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for net/tls.connect that refuses private answers: every address a name resolves to must be public. */
export function guardedLookup(hostname: string, options: { all?: boolean }, cb: LookupCb): void {
  dnsLookup(hostname, { all: true }, (err, addresses) => {
    if (err) return cb(err, []);
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad || addresses.length === 0) {
      const e = Object.assign(new Error(`refused: ${hostname} resolves to non-public ${bad?.address ?? 'nothing'}`), { code: 'ESSRF' });
      return cb(e, []);
    }
    if (options.all) return cb(null, addresses);
    cb(null, addresses[0]!.address, addresses[0]!.family);
  });
}

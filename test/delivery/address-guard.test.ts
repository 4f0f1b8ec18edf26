// The SSRF guard against every special-purpose block, in every spelling an attacker might try, fuzzed with
// fast-check; and public unicast addresses outside every block, which must still pass.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AllowList, checkUrlSyntax, classifyHost, isPrivateAddress, UrlChecker } from '../../src/delivery/address-guard.js';
import { Downloader } from '../../src/delivery/downloader.js';

// IANA IPv4 Special-Purpose Address Registry
// (https://www.iana.org/assignments/iana-ipv4-special-registry/), every entry, plus the multicast block
// 224.0.0.0/4 (IANA IPv4 Multicast Address Space Registry), which is no place to download from either.
const ipv4Blocks: [string, number, string][] = [
  ['0.0.0.0', 8, '"This network"'],
  ['0.0.0.0', 32, '"This host on this network"'],
  ['10.0.0.0', 8, 'Private-Use'],
  ['100.64.0.0', 10, 'Shared Address Space'],
  ['127.0.0.0', 8, 'Loopback'],
  ['169.254.0.0', 16, 'Link Local'],
  ['172.16.0.0', 12, 'Private-Use'],
  ['192.0.0.0', 24, 'IETF Protocol Assignments'],
  ['192.0.0.0', 29, 'IPv4 Service Continuity Prefix'],
  ['192.0.0.8', 32, 'IPv4 dummy address'],
  ['192.0.0.9', 32, 'Port Control Protocol Anycast'],
  ['192.0.0.10', 32, 'Traversal Using Relays around NAT Anycast'],
  ['192.0.0.170', 32, 'NAT64/DNS64 Discovery'],
  ['192.0.0.171', 32, 'NAT64/DNS64 Discovery'],
  ['192.0.2.0', 24, 'Documentation (TEST-NET-1)'],
  ['192.31.196.0', 24, 'AS112-v4'],
  ['192.52.193.0', 24, 'AMT'],
  ['192.88.99.0', 24, 'Deprecated (6to4 Relay Anycast)'],
  ['192.168.0.0', 16, 'Private-Use'],
  ['192.175.48.0', 24, 'Direct Delegation AS112 Service'],
  ['198.18.0.0', 15, 'Benchmarking'],
  ['198.51.100.0', 24, 'Documentation (TEST-NET-2)'],
  ['203.0.113.0', 24, 'Documentation (TEST-NET-3)'],
  ['240.0.0.0', 4, 'Reserved'],
  ['255.255.255.255', 32, 'Limited Broadcast'],
  ['224.0.0.0', 4, 'Multicast'],
];

// IANA IPv6 Special-Purpose Address Registry
// (https://www.iana.org/assignments/iana-ipv6-special-registry/), every entry, plus multicast ff00::/8,
// link-local fe80::/10 (IANA IPv6 Address Space) and the deprecated IPv4-compatible block ::/96 (RFC 4291).
const ipv6Blocks: [string, number, string][] = [
  ['::1', 128, 'Loopback Address'],
  ['::', 128, 'Unspecified Address'],
  ['::', 96, 'IPv4-compatible (deprecated, RFC 4291)'],
  ['::ffff:0:0', 96, 'IPv4-mapped Address'],
  ['64:ff9b::', 96, 'IPv4-IPv6 Translat.'],
  ['64:ff9b:1::', 48, 'IPv4-IPv6 Translat. (local use)'],
  ['100::', 64, 'Discard-Only Address Block'],
  ['100:0:0:1::', 64, 'Dummy IPv6 Prefix'],
  ['2001::', 23, 'IETF Protocol Assignments'],
  ['2001::', 32, 'TEREDO'],
  ['2001:1::1', 128, 'Port Control Protocol Anycast'],
  ['2001:1::2', 128, 'Traversal Using Relays around NAT Anycast'],
  ['2001:1::3', 128, 'DNS-SD Service Registration Protocol Anycast'],
  ['2001:2::', 48, 'Benchmarking'],
  ['2001:3::', 32, 'AMT'],
  ['2001:4:112::', 48, 'AS112-v6'],
  ['2001:10::', 28, 'Deprecated (previously ORCHID)'],
  ['2001:20::', 28, 'ORCHIDv2'],
  ['2001:30::', 28, 'Drone Remote ID Protocol Entity Tags (DETs) Prefix'],
  ['2001:db8::', 32, 'Documentation'],
  ['2002::', 16, '6to4'],
  ['2620:4f:8000::', 48, 'Direct Delegation AS112 Service'],
  ['3fff::', 20, 'Documentation'],
  ['5f00::', 16, 'Segment Routing (SRv6) SIDs'],
  ['fc00::', 7, 'Unique-Local'],
  ['fe80::', 10, 'Link-Local Unicast'],
  ['ff00::', 8, 'Multicast'],
];

// ---- addresses as numbers, and the spellings a URL or a resolver accepts for them ----
const v4ToInt = (s: string) => s.split('.').reduce((n, o) => n * 256 + Number(o), 0);
const intToV4 = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
const v6ToBig = (s: string): bigint => {
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
};
const bigToGroups = (n: bigint) => Array.from({ length: 8 }, (_, i) => Number((n >> BigInt((7 - i) * 16)) & 0xffffn));

function v4Spellings(n: number): string[] {
  const o = [24, 16, 8, 0].map((s) => (n >>> s) & 255);
  return [
    intToV4(n),
    String(n >>> 0), // 2130706433
    `0x${(n >>> 0).toString(16)}`, // 0x7f000001
    o.map((x) => `0${x.toString(8)}`).join('.'), // 0177.0.0.01
    o.map((x) => `0x${x.toString(16)}`).join('.'), // 0x7f.0x0.0x0.0x1
    `${o[0]}.${(n & 0xffffff) >>> 0}`, // 127.1
    `${o[0]}.${o[1]}.${n & 0xffff}`, // 127.0.1
  ];
}

function v6Spellings(n: bigint): string[] {
  const g = bigToGroups(n);
  const hex = g.map((x) => x.toString(16));
  const full = hex.join(':');
  const padded = g.map((x) => x.toString(16).padStart(4, '0')).join(':');
  // The longest run of zero groups compressed, as RFC 5952 writes it.
  let best = [-1, 0];
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > best[1]!) best = [i, j - i];
    i = j;
  }
  const compressed = best[0]! < 0 ? full : `${hex.slice(0, best[0]).join(':')}::${hex.slice(best[0]! + best[1]!).join(':')}`;
  const dotted = `${hex.slice(0, 6).join(':')}:${intToV4(Number(n & 0xffffffffn))}`; // ::ffff:127.0.0.1 style
  return [full, padded, compressed, compressed.toUpperCase(), dotted];
}

const v4In = ([net, bits]: [string, number, string]) => {
  const size = 2 ** (32 - bits);
  const base = v4ToInt(net) - (v4ToInt(net) % size);
  return fc.integer({ min: 0, max: size - 1 }).map((o) => base + o);
};
const v6In = ([net, bits]: [string, number, string]) => {
  const hostBits = 128n - BigInt(bits);
  return fc.bigInt({ min: 0n, max: (1n << hostBits) - 1n }).map((o) => ((v6ToBig(net) >> hostBits) << hostBits) | o);
};
const insideV4 = (n: number) => ipv4Blocks.some(([net, bits]) => bits === 0 || (n >>> (32 - bits)) === (v4ToInt(net) >>> (32 - bits)));
const insideV6 = (n: bigint) => ipv6Blocks.some(([net, bits]) => n >> (128n - BigInt(bits)) === v6ToBig(net) >> (128n - BigInt(bits)));

const refusedEverywhere = (host: string, urlHost: string) => {
  expect(isPrivateAddress(host), host).toBe(true);
  expect(classifyHost(host).ok, host).toBe(false);
  const allow = new AllowList([]);
  for (const scheme of ['https', 'http']) {
    const url = `${scheme}://${urlHost}/stem.mp3`;
    // A spelling the URL parser refuses is refused as "not a URL"; either way it is refused.
    expect(checkUrlSyntax(url, allow).ok, url).toBe(false);
  }
};

describe('SSRF guard: the IANA special-purpose registries', () => {
  it.each(ipv4Blocks)('GIVEN any address in %s/%i (%s) in any spelling WHEN checked THEN it is refused', (...block) => {
    fc.assert(
      fc.property(v4In(block), (n) => {
        for (const s of v4Spellings(n)) refusedEverywhere(s, s);
        // …and wrapped in IPv6: mapped, compatible, NAT64, 6to4.
        const ip = intToV4(n);
        const hi = ((n >>> 16) & 0xffff).toString(16);
        const lo = (n & 0xffff).toString(16);
        for (const s of [`::ffff:${ip}`, `::ffff:${hi}:${lo}`, `0:0:0:0:0:ffff:${hi}:${lo}`, `::${ip}`, `64:ff9b::${ip}`, `2002:${hi}:${lo}::1`]) refusedEverywhere(s, `[${s}]`);
      }),
      { numRuns: 60 },
    );
  });

  it.each(ipv6Blocks)('GIVEN any address in %s/%i (%s) in any spelling WHEN checked THEN it is refused', (...block) => {
    fc.assert(
      fc.property(v6In(block), (n) => {
        for (const s of v6Spellings(n)) refusedEverywhere(s, `[${s}]`);
      }),
      { numRuns: 60 },
    );
  });

  it('GIVEN public unicast addresses outside every block WHEN checked THEN they pass, as literals and in https URLs', () => {
    const allow = new AllowList([]);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }).filter((n) => !insideV4(n)), (n) => {
        const ip = intToV4(n);
        expect(isPrivateAddress(ip), ip).toBe(false);
        expect(classifyHost(ip), ip).toEqual({ ok: true, kind: 'ip' });
        expect(checkUrlSyntax(`https://${ip}/a.mp3`, allow), ip).toEqual({ ok: true });
      }),
      { numRuns: 500 },
    );
    // IPv6 global unicast is 2000::/3.
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 125n) - 1n }).map((o) => (1n << 125n) | o).filter((n) => !insideV6(n)), (n) => {
        for (const s of v6Spellings(n).slice(0, 4)) {
          expect(isPrivateAddress(s), s).toBe(false);
          expect(checkUrlSyntax(`https://[${s}]/a.mp3`, allow), s).toEqual({ ok: true });
        }
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    'https://[::7f00:1]/',
    'https://[::ffff:127.0.0.1]/',
    'https://[::ffff:7f00:1]/',
    'https://[0:0:0:0:0:ffff:7f00:1]/',
    'https://[::ffff:a9fe:a9fe]/latest/meta-data',
    'https://[64:ff9b::a9fe:a9fe]/',
    'https://[64:ff9b:1::7f00:1]/',
    'https://[2002:7f00:1::]/',
    'https://[2002:a00:1::1]/',
    'https://[100::1]/',
    'https://[2001::7f00:1]/',
    'https://2130706433/',
    'https://0x7f.1/',
    'https://127.1/',
    'https://0177.0.0.1/',
    'https://0x7f000001/',
    'https://127.0.0.1./',
    'https://0/',
    'https://localhost/',
    'https://db.internal/',
    'https://printer.local./',
  ])('GIVEN the stem URL %s WHEN downloaded THEN it is refused before any connection', async (url) => {
    const d = new Downloader({ allowHosts: [], timeoutMs: 2_000 });
    expect(await d.download(url, { maxBytes: 1000 })).toMatchObject({ ok: false, code: 'BLOCKED' });
    await d.close();
  });
});

describe('UrlChecker: verdicts remembered by scheme and authority', () => {
  // Result URLs an attacker or a broken Kie might send: public and private hosts in every spelling, ports
  // valid and not, credentials, odd schemes and slashes, and paths that must not matter (or must be parsed).
  const hosts = fc.oneof(
    fc.constantFrom('cdn.kie.ai', 'tempfile.aiquickdraw.com', 'localhost', 'db.internal', 'printer.local.', 'x', '127.0.0.1', '127.1', '0x7f.1', '0177.0.0.1', '2130706433', '0', '10.0.0.1', '169.254.169.254', '8.8.8.8', '[::1]', '[::ffff:7f00:1]', 'CDN.KIE.AI', 'cdn%2ekie.ai', 'a..b', '-a.b', 'xn--nxasmq6b.com'),
    fc.integer({ min: 0, max: 2 ** 32 - 1 }).map(intToV4),
    fc.stringMatching(/^[a-z0-9.-]{1,20}$/),
  );
  const url = fc.tuple(
    fc.constantFrom('https://', 'http://', 'HTTPS://', 'https:/', 'https:///', ' https://', 'ftp://', 'https:\\\\'),
    fc.constantFrom('', '', '', 'user@', 'user:pw@', '@'),
    hosts,
    fc.constantFrom('', '', ':443', ':8443', ':0', ':99999', ':', ':abc'),
    fc.constantFrom('', '/', '/a.mp3', '?q=1', '#f', '\\evil/a.mp3', '/a b.mp3', '/%2e%2e/x', '@127.0.0.1/', '\t/x', '/x\n', ':80/x'),
  ).map((parts) => parts.join(''));

  it('GIVEN thousands of URLs in random order WHEN checked by one UrlChecker THEN every verdict equals the full parse of that very URL', () => {
    const allow = new AllowList([]);
    const checker = new UrlChecker(allow);
    fc.assert(
      fc.property(url, (u) => {
        expect(checker.check(u), u).toEqual(checkUrlSyntax(u, allow));
      }),
      { numRuns: 5_000 },
    );
  });

  it('GIVEN a public host remembered as allowed WHEN a later URL on the same host names a private address elsewhere THEN that one is judged on its own', () => {
    const allow = new AllowList([]);
    const checker = new UrlChecker(allow);
    expect(checker.check('https://cdn.kie.ai/a.mp3')).toEqual({ ok: true });
    expect(checker.check('https://cdn.kie.ai@127.0.0.1/a.mp3')).toMatchObject({ ok: false });
    expect(checker.check('https://cdn.kie.ai\\@127.0.0.1/a.mp3')).toEqual(checkUrlSyntax('https://cdn.kie.ai\\@127.0.0.1/a.mp3', allow));
    expect(checker.check('https://cdn.kie.ai:1@127.0.0.1/')).toMatchObject({ ok: false });
  });

  it('GIVEN an allow list with a path prefix WHEN URLs on that host are checked THEN each path is judged (nothing is remembered by host)', () => {
    const allow = new AllowList([]);
    const checker = new UrlChecker(allow);
    expect(checker.check('http://127.0.0.1:4000/sim/files/a.mp3')).toMatchObject({ ok: false });
    allow.addPath('127.0.0.1:4000', '/sim/files');
    expect(checker.check('http://127.0.0.1:4000/sim/files/a.mp3')).toEqual({ ok: true });
    expect(checker.check('http://127.0.0.1:4000/metrics')).toMatchObject({ ok: false });
  });
});

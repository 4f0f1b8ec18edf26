// Credentials for downloading a platform's private files, added at download time and only for that platform's
// own origin (scheme, host and port exactly). Nothing here is ever stored: a job's input names the platform
// (`provider`), the adapter registers how to authenticate to it (the Slack adapter: its bot token for
// files.slack.com), and the delivery step asks here just before it downloads.
export interface CredentialProvider {
  /** Origins (`https://files.slack.com`) the credential may be sent to; nothing else ever gets it. */
  origins: readonly string[];
  /** The headers to send, e.g. `{ authorization: 'Bearer xoxb-…' }`. */
  headers(): Record<string, string>;
}

export type CredentialVerdict = { ok: true; headers?: Record<string, string> } | { ok: false; reason: string };

/** `https://files.slack.com` for any URL on that host, or null when `raw` is not a URL. */
export function originOf(raw: string): string | null {
  if (!URL.canParse(raw)) return null;
  const origin = new URL(raw).origin;
  return origin === 'null' ? null : origin;
}

/** Is `raw` on one of `origins`? Compared as URL origins, so the port and scheme count too. */
export function onOrigin(raw: string, origins: readonly string[]): boolean {
  const origin = originOf(raw);
  return origin !== null && origins.some((o) => originOf(o) === origin);
}

export class DownloadCredentials {
  private readonly providers = new Map<string, CredentialProvider>();

  register(provider: string, p: CredentialProvider): void {
    this.providers.set(provider, p);
  }

  /**
   * What to send when downloading `url` for an input of `provider`. No provider: no credential. A provider's
   * file anywhere but on its own origins is refused outright, so a stored job can never send the token elsewhere.
   */
  forDownload(provider: string | undefined, url: string): CredentialVerdict {
    if (provider === undefined) return { ok: true };
    const p = this.providers.get(provider);
    if (!p) return { ok: false, reason: `no credential provider for ${provider} is registered` };
    if (!onOrigin(url, p.origins)) return { ok: false, reason: `${originOf(url) ?? 'an unparseable URL'} is not a ${provider} file origin` };
    return { ok: true, headers: p.headers() };
  }
}

// A fake Discord gateway (API v10, JSON encoding, no compression) on 127.0.0.1, for tests that connect a real
// discord.js Client (docs/conventions.md, habit 5: fakes over module mocks). It speaks the documented protocol: HELLO with a
// heartbeat interval, HEARTBEAT → HEARTBEAT_ACK, IDENTIFY → READY (or close 4004 for a bad token), RESUME →
// the missed events and RESUMED (or INVALID_SESSION false), and it tracks every session so a test can ask
// how many are open and whose they are. `dispatchInteraction` sends INTERACTION_CREATE to every open session,
// as Discord would to every connection of a bot that (wrongly) connected twice: a double answer shows.
// The fake REST (discord-rest.ts) hands its URL out at `GET /gateway/bot`.
// https://discord.com/developers/docs/events/gateway
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  GatewayCloseCodes,
  GatewayDispatchEvents,
  GatewayOpcodes,
  type APIInteraction,
  type ApplicationFlags,
  type GatewayIdentifyData,
  type GatewayReadyDispatchData,
  type GatewayResumeData,
} from 'discord.js';
import { WebSocket, WebSocketServer } from 'ws';
import type { slashCommand } from './discord-interactions.js';

export interface FakeGatewayOptions {
  /** Bot tokens IDENTIFY may carry (several instances of one bot may be told apart by giving each its own). */
  tokens: string[];
  applicationId: string;
  /** HELLO's heartbeat interval; short in tests so heartbeats really happen. */
  heartbeatIntervalMs?: number;
}

export interface GatewaySession {
  sessionId: string;
  token: string;
  intents: number;
  identifiedAt: number;
  /** When READY was sent (held back by `holdReady`, the session is not open yet). */
  readyAt?: number;
  /** The connection carrying it now; undefined between a drop and a RESUME. */
  socket?: WebSocket;
  /** Last sequence number sent. */
  seq: number;
  /** Dispatches sent, for replay on RESUME. */
  sent: { s: number; t: string; d: unknown }[];
  resumes: number;
  /** Ended for good (a normal close, or invalidated): RESUME is refused. */
  ended: boolean;
}

export interface IdentifyRecord {
  at: number;
  token: string;
  intents: number;
  properties: GatewayIdentifyData['properties'];
  shard?: [number, number];
  compress?: boolean;
  /** The session READY opened, or undefined when refused. */
  sessionId?: string;
  refused?: number;
}

/** What else a client may send, once identified. */
const afterIdentify = new Set<GatewayOpcodes>([
  GatewayOpcodes.PresenceUpdate,
  GatewayOpcodes.VoiceStateUpdate,
  GatewayOpcodes.RequestGuildMembers,
  GatewayOpcodes.RequestSoundboardSounds,
  GatewayOpcodes.RequestChannelInfo,
]);
/** Discord ends a session (no RESUME) when the client closes with 1000 or 1001. */
const sessionEndingCodes = new Set([1000, 1001]);

export class FakeGateway {
  readonly sessions = new Map<string, GatewaySession>();
  readonly identifies: IdentifyRecord[] = [];
  /** Protocol mistakes by the client; a test expects none. */
  readonly violations: string[] = [];
  url = '';
  private readonly heartbeatIntervalMs: number;
  /** READYs held back per token, sent on release. */
  private readonly held = new Map<string, (() => void)[]>();
  private readonly refusing = new Set<string>();

  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
    readonly opts: FakeGatewayOptions,
  ) {
    this.heartbeatIntervalMs = opts.heartbeatIntervalMs ?? 1_000;
  }

  static async start(o: FakeGatewayOptions): Promise<FakeGateway> {
    const http = createServer((_req, res) => res.writeHead(426).end('websocket only'));
    const wss = new WebSocketServer({ server: http });
    const fake = new FakeGateway(http, wss, o);
    wss.on('connection', (socket, req) => fake.accept(socket, new URL(req.url ?? '/', 'ws://fake')));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    fake.url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
    return fake;
  }

  /** Sessions that got READY (or RESUMED) on a connection that is open now. */
  openSessions(): GatewaySession[] {
    return [...this.sessions.values()].filter((s) => s.readyAt !== undefined && s.socket?.readyState === WebSocket.OPEN);
  }

  /** WebSocket connections open now, identified or not (a client reconnecting shows here first). */
  openConnections(): number {
    return [...this.wss.clients].filter((c) => c.readyState === WebSocket.OPEN).length;
  }

  /**
   * Drop every IDENTIFY with `token` (close 4000 Unknown error, which a client answers by connecting again),
   * until allow(): a gateway this instance cannot log in to, while others can.
   */
  refuseLogins(token: string): { allow(): void } {
    this.refusing.add(token);
    return { allow: () => this.refusing.delete(token) };
  }

  /** Hold back READY for IDENTIFYs with `token` until release(): a login caught half-way, as a slow Discord would. */
  holdReady(token: string): { release(): void } {
    this.held.set(token, this.held.get(token) ?? []);
    return {
      release: () => {
        const pending = this.held.get(token) ?? [];
        this.held.delete(token);
        for (const send of pending) send();
      },
    };
  }

  /**
   * Send a dispatch to every open session; answers the sessions it reached. A session whose connection dropped
   * but may RESUME gets it on resuming, as Discord replays what a session missed.
   */
  dispatch(t: string, d: unknown): GatewaySession[] {
    const reached = this.openSessions();
    const waiting = [...this.sessions.values()].filter((s) => s.readyAt !== undefined && !s.ended && !reached.includes(s));
    for (const s of [...reached, ...waiting]) this.send(s, t, d);
    return reached;
  }

  /** An interaction as Discord sends it (the builders in discord-interactions.ts make them). */
  dispatchInteraction(interaction: APIInteraction | ReturnType<typeof slashCommand>): GatewaySession[] {
    return this.dispatch(GatewayDispatchEvents.InteractionCreate, interaction);
  }

  /** Drop a session's connection from the server side, as Discord does now and then; `resumable: false` also ends the session. */
  drop(sessionId: string, o: { code?: number; resumable?: boolean } = {}): void {
    const s = this.sessions.get(sessionId);
    if (!s) return;
    if (o.resumable === false) s.ended = true;
    s.socket?.close(o.code ?? GatewayCloseCodes.UnknownError, 'dropped by the fake gateway');
  }

  async close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private accept(socket: WebSocket, url: URL): void {
    // discord.js asks `?v=10&encoding=json`, plus `compress=zlib-stream` only when zlib-sync is installed.
    if (url.searchParams.get('v') !== '10') return this.refuse(socket, GatewayCloseCodes.InvalidAPIVersion, `asked API version ${url.searchParams.get('v')}`);
    if (url.searchParams.get('encoding') !== 'json') return this.refuse(socket, GatewayCloseCodes.DecodeError, `asked encoding ${url.searchParams.get('encoding')}`);
    if (url.searchParams.has('compress')) return this.refuse(socket, GatewayCloseCodes.DecodeError, `asked compress=${url.searchParams.get('compress')}; the fake speaks uncompressed JSON only`);

    let session: GatewaySession | undefined;
    socket.on('message', (data, isBinary) => {
      let payload: { op?: unknown; d?: unknown };
      try {
        if (isBinary) throw new Error('binary frame');
        payload = JSON.parse(String(data));
      } catch {
        return this.refuse(socket, GatewayCloseCodes.DecodeError, 'a frame that is not JSON text');
      }
      switch (payload.op) {
        case GatewayOpcodes.Heartbeat:
          return this.raw(socket, { op: GatewayOpcodes.HeartbeatAck });
        case GatewayOpcodes.Identify:
          if (session) return this.refuse(socket, GatewayCloseCodes.AlreadyAuthenticated, 'IDENTIFY twice on one connection');
          session = this.identify(socket, payload.d as GatewayIdentifyData);
          return;
        case GatewayOpcodes.Resume:
          if (session) return this.refuse(socket, GatewayCloseCodes.AlreadyAuthenticated, 'RESUME on an identified connection');
          session = this.resume(socket, payload.d as GatewayResumeData);
          return;
        default:
          if (!afterIdentify.has(payload.op as GatewayOpcodes)) return this.refuse(socket, GatewayCloseCodes.UnknownOpcode, `unknown op ${String(payload.op)}`);
          if (!session) return this.refuse(socket, GatewayCloseCodes.NotAuthenticated, `op ${String(payload.op)} before IDENTIFY`);
          return; // presence, voice state, member requests: accepted and ignored (no guilds here)
      }
    });
    socket.on('close', (code) => {
      if (!session || session.socket !== socket) return;
      session.socket = undefined;
      if (sessionEndingCodes.has(code)) session.ended = true;
    });
    this.raw(socket, { op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.heartbeatIntervalMs } });
  }

  private identify(socket: WebSocket, d: GatewayIdentifyData): GatewaySession | undefined {
    const record: IdentifyRecord = {
      at: Date.now(),
      token: d?.token,
      intents: d?.intents,
      properties: d?.properties,
      ...(d?.shard ? { shard: d.shard } : {}),
      ...(d?.compress !== undefined ? { compress: d.compress } : {}),
    };
    this.identifies.push(record);
    const refuse = (code: number, why: string) => {
      record.refused = code;
      this.refuse(socket, code, why, code !== GatewayCloseCodes.AuthenticationFailed);
      return undefined;
    };
    if (typeof d?.token !== 'string' || !this.opts.tokens.includes(d.token)) return refuse(GatewayCloseCodes.AuthenticationFailed, 'bad token');
    if (typeof d.intents !== 'number') return refuse(GatewayCloseCodes.InvalidIntents, 'intents missing');
    if (d.shard && (d.shard[1] !== 1 || d.shard[0] !== 0)) return refuse(GatewayCloseCodes.InvalidShard, `shard ${JSON.stringify(d.shard)} of a one-shard bot`);
    if (d.compress) return refuse(GatewayCloseCodes.DecodeError, 'identify compression asked; the fake speaks uncompressed JSON only');
    if (this.refusing.has(d.token)) {
      record.refused = GatewayCloseCodes.UnknownError;
      this.refuse(socket, GatewayCloseCodes.UnknownError, 'this login is refused (refuseLogins)', false);
      return undefined;
    }

    const session: GatewaySession = { sessionId: randomBytes(16).toString('hex'), token: d.token, intents: d.intents, identifiedAt: Date.now(), socket, seq: 0, sent: [], resumes: 0, ended: false };
    this.sessions.set(session.sessionId, session);
    record.sessionId = session.sessionId;
    const ready: GatewayReadyDispatchData = {
      v: 10,
      user: { id: this.opts.applicationId, username: 'stembot', discriminator: '0', global_name: null, avatar: null, bot: true },
      // No guilds: the client is ready at once instead of waiting for GUILD_CREATEs.
      guilds: [],
      session_id: session.sessionId,
      resume_gateway_url: this.url,
      shard: [0, 1],
      application: { id: this.opts.applicationId, flags: 0 as ApplicationFlags, flags_new: '0' }, // no flags (the enum has no 0)
    };
    const sendReady = () => {
      if (session.socket !== socket || socket.readyState !== WebSocket.OPEN) return; // the client left meanwhile
      session.readyAt = Date.now();
      this.send(session, GatewayDispatchEvents.Ready, ready);
    };
    const held = this.held.get(d.token);
    if (held) held.push(sendReady);
    else sendReady();
    return session;
  }

  private resume(socket: WebSocket, d: GatewayResumeData): GatewaySession | undefined {
    const session = typeof d?.session_id === 'string' ? this.sessions.get(d.session_id) : undefined;
    const live = session?.socket?.readyState === WebSocket.OPEN;
    if (!session || session.readyAt === undefined || session.ended || live || session.token !== d.token || typeof d.seq !== 'number' || d.seq > session.seq) {
      // Not resumable: the client must IDENTIFY on a new connection.
      this.raw(socket, { op: GatewayOpcodes.InvalidSession, d: false });
      return undefined;
    }
    session.socket = socket;
    session.resumes += 1;
    for (const e of session.sent.filter((x) => x.s > d.seq)) this.raw(socket, { op: GatewayOpcodes.Dispatch, ...e });
    this.send(session, GatewayDispatchEvents.Resumed, null);
    return session;
  }

  private send(session: GatewaySession, t: string, d: unknown): void {
    session.seq += 1;
    const e = { s: session.seq, t, d };
    session.sent.push(e);
    if (session.socket) this.raw(session.socket, { op: GatewayOpcodes.Dispatch, ...e });
  }

  private raw(socket: WebSocket, payload: object): void {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(payload));
  }

  /** Close with a gateway close code; most are the client's mistakes, kept for the test to see. */
  private refuse(socket: WebSocket, code: number, why: string, violation = true): void {
    if (violation) this.violations.push(`${GatewayCloseCodes[code] ?? code}: ${why}`);
    socket.close(code, why.slice(0, 120));
  }
}

// Slack's Socket Mode end on 127.0.0.1: the WebSocket that apps.connections.open points at. It says `hello`,
// pushes envelopes (slash commands, interactivity) and collects the acks, as Slack's servers do.
// https://docs.slack.dev/apis/events-api/using-socket-mode#events
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface Ack {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

export class FakeSlackSocket {
  readonly acks: Ack[] = [];
  private socket: WebSocket | undefined;
  private connected: Promise<void>;
  private seq = 0;

  private constructor(private readonly server: WebSocketServer) {
    this.connected = new Promise((resolve) => {
      server.on('connection', (ws) => {
        this.socket = ws;
        ws.on('message', (data) => this.acks.push(JSON.parse(String(data)) as Ack));
        ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0STEMBOT' } }));
        resolve();
      });
    });
  }

  static async start(): Promise<FakeSlackSocket> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    return new FakeSlackSocket(server);
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/link`;
  }

  whenConnected(): Promise<void> {
    return this.connected;
  }

  /** Pushes one envelope; answers its id. `type` is `slash_commands` or `interactive`. */
  push(type: 'slash_commands' | 'interactive', payload: Record<string, unknown>, retryAttempt = 0): string {
    const id = `env-${++this.seq}`;
    this.socket!.send(JSON.stringify({ envelope_id: id, type, payload, accepts_response_payload: true, retry_attempt: retryAttempt, retry_reason: retryAttempt ? 'timeout' : '' }));
    return id;
  }

  close(): Promise<void> {
    for (const c of this.server.clients) c.terminate();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

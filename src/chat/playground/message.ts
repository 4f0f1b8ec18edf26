// What the playground channel holds: one shape for the API, the SSE stream, the page and the on-disk log.
import type { Action, StatusView } from '../../core/ports.js';

export interface PlaygroundFile {
  /** The stored (sanitised) name; also the last segment of `url`. */
  name: string;
  bytes: number;
  /** Path on this server, e.g. `/playground/files/<messageId>/Vocals.mp3`. */
  url: string;
  mimeType: string;
}

export interface PlaygroundMessage {
  id: string;
  jobId: string;
  /** The thread this message was posted into; null for status messages and channel replies. */
  threadId: string | null;
  kind: 'status' | 'message';
  /** The status view, for status messages. */
  status: StatusView | null;
  /** Set on a status message once a thread was opened on it. */
  thread: { id: string; name: string } | null;
  text: string;
  files: PlaygroundFile[];
  links: { label: string; url: string }[];
  actions: Action[];
  /**
   * A thread reply also shown at the bottom of the channel, pointing to its thread (as Slack's "also send to
   * channel"): a "Deliver again" round, whose thread may be far up the feed. Absent in older logs.
   */
  broadcast?: boolean;
  /** Who the message calls out (failure notices mention the requester). */
  mention: { userId: string; userName: string } | null;
  createdAt: number;
  editedAt: number | null;
  /** Grows with every change, so a client can ignore a snapshot older than an event it already applied. */
  rev: number;
}

export interface PlaygroundChange {
  type: 'post' | 'edit';
  message: PlaygroundMessage;
}

/** One line of `messages.jsonl`. Replaying the lines in order rebuilds the channel. */
export type LogEvent =
  | { type: 'post'; message: PlaygroundMessage; key: string | null }
  | { type: 'edit'; id: string; status: StatusView; text: string; at: number }
  | { type: 'thread'; id: string; threadId: string; name: string; at: number };

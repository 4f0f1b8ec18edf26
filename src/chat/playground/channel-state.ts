// The in-memory channel and the one function that changes it. Used both live and when replaying the log,
// so a restarted playground ends up exactly where it was.
import type { LogEvent, PlaygroundMessage } from './message.js';

export interface Channel {
  /** Insertion order is posting order (Map keeps it), so the page needs no sorting. */
  messages: Map<string, PlaygroundMessage>;
  /** Idempotency keys of posts, to the message they produced. */
  byKey: Map<string, string>;
  /** Job id → its status message id (one status message per job). */
  statusByJob: Map<string, string>;
}

/** Apply one event; answers the message it changed, or undefined when it changed nothing. */
export function applyEvent(channel: Channel, event: LogEvent): PlaygroundMessage | undefined {
  switch (event.type) {
    case 'post': {
      const { message, key } = event;
      if (channel.messages.has(message.id)) return undefined;
      channel.messages.set(message.id, message);
      if (key) channel.byKey.set(key, message.id);
      if (message.kind === 'status' && !channel.statusByJob.has(message.jobId)) channel.statusByJob.set(message.jobId, message.id);
      return message;
    }
    case 'edit': {
      const message = channel.messages.get(event.id);
      if (!message) return undefined;
      Object.assign(message, { status: event.status, text: event.text, editedAt: event.at, rev: message.rev + 1 });
      return message;
    }
    case 'thread': {
      const message = channel.messages.get(event.id);
      if (!message || message.thread) return undefined;
      Object.assign(message, { thread: { id: event.threadId, name: event.name }, rev: message.rev + 1 });
      return message;
    }
    default:
      // An event type from a newer version: skip it rather than refuse to start.
      return undefined;
  }
}

/**
 * The channel as one `post` per message, in posting order and final state (edits and threads folded in):
 * replaying it rebuilds the same channel, idempotency keys included.
 */
export function snapshot(channel: Channel): LogEvent[] {
  const keyOf = new Map([...channel.byKey].map(([key, id]) => [id, key]));
  return [...channel.messages.values()].map((message) => ({ type: 'post', message, key: keyOf.get(message.id) ?? null }));
}

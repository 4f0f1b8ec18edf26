// Row ⇄ Job mapping shared by the SQLite and Postgres stores (same column names in both).
import type { Job } from '../core/types.js';

export interface JobRow {
  id: string;
  platform: string;
  workspace_id: string;
  channel_id: string;
  user_id: string;
  user_name: string;
  origin_meta: string;
  kind: string;
  params: string;
  input: string;
  input_name: string;
  task_id: string | null;
  callback_token: string;
  state: string;
  files: string;
  failure: string | null;
  status_message_id: string | null;
  thread_id: string | null;
  delivered: string;
  delivery_round: number | string;
  created_at: number | string;
  updated_at: number | string;
  submitted_at: number | string | null;
  submit_started_at?: number | string | null;
  submit_unconfirmed_at?: number | string | null;
  finished_at: number | string | null;
  last_callback_at: number | string | null;
  next_poll_at: number | string | null;
  cost: number | string;
  cancelled_by: string | null;
}

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));
// pg returns JSON columns parsed already; SQLite returns text.
const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

export function rowToJob(r: JobRow): Job {
  return {
    id: r.id,
    platform: r.platform as Job['platform'],
    workspaceId: r.workspace_id,
    channelId: r.channel_id,
    userId: r.user_id,
    userName: r.user_name,
    originMeta: json(r.origin_meta),
    kind: r.kind as Job['kind'],
    params: json(r.params),
    input: json(r.input),
    inputName: r.input_name,
    taskId: r.task_id,
    callbackToken: r.callback_token,
    state: r.state as Job['state'],
    files: json(r.files),
    failure: r.failure === null ? null : json(r.failure),
    statusMessageId: r.status_message_id,
    threadId: r.thread_id,
    delivered: json(r.delivered),
    deliveryRound: Number(r.delivery_round),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    submittedAt: num(r.submitted_at),
    submitStartedAt: num(r.submit_started_at ?? null),
    submitUnconfirmedAt: num(r.submit_unconfirmed_at ?? null),
    finishedAt: num(r.finished_at),
    lastCallbackAt: num(r.last_callback_at),
    nextPollAt: num(r.next_poll_at),
    cost: Number(r.cost ?? 0),
    cancelledBy: r.cancelled_by ?? null,
  };
}

/** Column names for JobPatch keys. */
export const patchColumns = {
  statusMessageId: 'status_message_id',
  threadId: 'thread_id',
  taskId: 'task_id',
  submittedAt: 'submitted_at',
  nextPollAt: 'next_poll_at',
  input: 'input',
  originMeta: 'origin_meta',
  deliveryRound: 'delivery_round',
  submitStartedAt: 'submit_started_at',
  submitUnconfirmedAt: 'submit_unconfirmed_at',
} as const;

export const jsonPatchKeys = new Set(['input', 'originMeta']);

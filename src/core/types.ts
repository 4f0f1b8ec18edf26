// The neutral vocabulary of stembot. Every chat adapter converts into `Command`; every source of
// progress (callback, poll, simulator) produces `JobEvent`. Nothing here knows a platform or a transport.

export type Platform = 'playground' | 'discord' | 'slack';
export type JobKind = 'separate' | 'add_vocals' | 'add_instrumental' | 'midi' | 'wav';
/** Kinds a person starts from audio (the commands with options); `midi` / `wav` follow up on a finished job. */
export type StartKind = Exclude<JobKind, 'midi' | 'wav'>;
/** `vocals` = Kie separate_vocal, `stems` = split_stem, `single` = split_stem_advanced. */
export type SeparationMode = 'vocals' | 'stems' | 'single';
export type KieModel = 'V4_5PLUS' | 'V5' | 'V5_5';

/**
 * Forward-only: queued → submitted → text → first → complete, or → failed from any non-terminal state, or →
 * cancelled (someone pressed Cancel) from any non-terminal state.
 */
export type JobState = 'queued' | 'submitted' | 'text' | 'first' | 'complete' | 'failed' | 'cancelled';
export type Stage = 'text' | 'first' | 'complete' | 'failed';

/** Where the song comes from. */
export type AudioInput =
  /**
   * A public URL Kie can fetch itself. After stembot re-hosted a file through Kie's File Upload API, also when
   * (`hostedAt`, epoch ms: Kie deletes uploads after 3 days) and where the file came from (`original`, never
   * a credential), so a follow-up can tell the copy is gone and host the original again (core/hosted-input.ts).
   */
  | { type: 'url'; url: string; name: string; hostedAt?: number; original?: HostedOriginal }
  /** A track Kie generated earlier (separation only). */
  | { type: 'kie_track'; taskId: string; audioId: string; name: string }
  /**
   * A file stembot holds (a playground upload, a Slack private file once fetched): re-hosted through
   * Kie's File Upload API before submission. `path` is a local file owned by stembot.
   */
  | { type: 'file'; path: string; name: string; bytes: number; mimeType?: string }
  /**
   * A URL stembot fetches itself, then re-hosts (Slack `url_private`, a Discord CDN URL about to expire).
   * Never holds a credential: `provider` names the platform whose credential provider (delivery/credentials.ts)
   * adds one at download time, and only for that platform's own origin. Rows written by older versions may
   * still carry an `authHeader` field: it is never read.
   */
  | { type: 'private_url'; url: string; name: string; provider?: string; bytes?: number };

/** What a re-hosted input was before: a file stembot holds, or a private URL (its credential is not kept). */
export type HostedOriginal = { type: 'file'; path: string; bytes: number; mimeType?: string } | { type: 'private_url'; url: string; provider?: string; bytes?: number };

export interface SeparateParams {
  kind: 'separate';
  mode: SeparationMode;
  /** split_stem_advanced's `stemName` (only for mode `single`). */
  stem?: string;
}
export interface GenerationCommon {
  title: string;
  negativeTags?: string;
  model?: KieModel;
  styleWeight?: number;
  weirdness?: number;
  audioWeight?: number;
}
export interface AddVocalsParams extends GenerationCommon {
  kind: 'add_vocals';
  prompt: string;
  style: string;
  vocalGender?: 'm' | 'f';
}
export interface AddInstrumentalParams extends GenerationCommon {
  kind: 'add_instrumental';
  tags: string;
}
/**
 * Follow-ups (docs/kie-midi-wav.md): work on a finished job's results. The job's input is the parent's Kie
 * track (`kie_track`: the parent's taskId, and the chosen audioId or '' for the whole separation).
 */
export interface MidiParams {
  kind: 'midi';
  parentJobId: string;
  /** The song's name as people know it, for the file name ("River Song - MIDI.mid"). */
  title: string;
  /** One separated track (the separation's originData[].id); absent = the whole separation. */
  audioId?: string;
  /** Its label ("Bass"), when one track was chosen. */
  stemLabel?: string;
  /** Its key in the parent's files ("bass"): when the parent never learnt Kie's track ids (a callback does not
   *  carry them), the submit step reads them from the separation's record-info. */
  stemKey?: string;
}
export interface WavParams {
  kind: 'wav';
  parentJobId: string;
  title: string;
  audioId: string;
  /** 1-based take number within the parent job ("River Song - Take 1.wav"). */
  take: number;
}
export type FollowUpParams = MidiParams | WavParams;
export type JobParams = SeparateParams | AddVocalsParams | AddInstrumentalParams | MidiParams | WavParams;

/** Kie's MIDI result (docs/kie-midi-wav.md): times in seconds, velocity 0–1. */
export interface MidiNote {
  pitch: number;
  start: number;
  end: number;
  velocity: number;
}
export interface MidiInstrument {
  name: string;
  notes: MidiNote[];
}
export interface MidiData {
  instruments: MidiInstrument[];
}

/** Who asked and where the conversation lives. `meta` carries platform facts the adapter needs later. */
export interface Origin {
  platform: Platform;
  /** Discord guild, Slack team, or `local` for the playground. */
  workspaceId: string;
  channelId: string;
  userId: string;
  userName: string;
  /** Adapter-owned data kept with the job (e.g. Discord `attachment_size_limit`). JSON-serialisable. */
  meta?: Record<string, string | number | boolean>;
}

export interface Command {
  origin: Origin;
  input: AudioInput;
  params: JobParams;
}

/** One finished audio file as Kie reports it. */
export interface ResultFile {
  /** Stable key within the job: `vocal`, `drums`, `track-1`… */
  key: string;
  /** What a person calls it: `Vocals`, `Drums`, or a track title. */
  label: string;
  url: string;
  /** Kie's audioId for generated tracks (feeds a follow-up `/separate`). */
  audioId?: string;
  durationSec?: number;
  /** A MIDI job's result: notes, not a file (url is empty); stembot writes the .mid itself. */
  midi?: MidiData;
}

/** Where an event came from: Kie's callback, a record-info poll, or stembot itself (submission refused, gave up). */
export type JobEventSource = 'callback' | 'poll' | 'stembot';

export type JobEvent =
  | { taskId: string; source: JobEventSource; stage: 'text' | 'first'; files: ResultFile[] }
  | { taskId: string; source: JobEventSource; stage: 'complete'; files: ResultFile[] }
  | {
      taskId: string;
      source: JobEventSource;
      stage: 'failed';
      code: FailureCode;
      /** Kie's numeric code when it gave one. */
      kieCode?: number;
      /** For logs; shown after our sentence only when it is Kie's own words (core/messages.ts). */
      detail?: string;
    };

/** Every expected failure that can reach a person. Sentences live in core/messages.ts. */
export type FailureCode =
  | 'KIE_INSUFFICIENT_CREDITS'
  | 'KIE_BAD_PARAMETERS'
  | 'KIE_CONTENT_VIOLATION'
  | 'KIE_SOURCE_DOWNLOAD_FAILED'
  | 'KIE_MAINTENANCE'
  | 'KIE_SERVER_ERROR'
  | 'KIE_UNAUTHORIZED'
  | 'KIE_TOO_LONG'
  | 'KIE_RATE_LIMITED'
  | 'KIE_GENERATION_FAILED'
  | 'KIE_UNREACHABLE'
  | 'KIE_BAD_RESPONSE'
  | 'POLL_GAVE_UP'
  | 'KIE_TASK_NOT_FOUND'
  | 'KIE_AUDIO_URL_REFUSED'
  | 'INPUT_EXPIRED'
  | 'CHAT_UNAVAILABLE'
  | 'UPLOAD_FAILED'
  | 'INPUT_NOT_AUDIO'
  | 'INPUT_TOO_LARGE'
  | 'INPUT_INVALID'
  /** The downloader refused the address (not public, not allowed, or not the platform's own file host). */
  | 'INPUT_BLOCKED'
  | 'INPUT_UNREADABLE';

/** Expected failures are values (docs/conventions.md, habit 1). */
export type Result<T, C extends string = FailureCode> =
  | { ok: true; value: T }
  | { ok: false; code: C; detail?: string; retryAfterMs?: number };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const fail = <C extends string>(code: C, detail?: string, retryAfterMs?: number) =>
  ({ ok: false, code, ...(detail !== undefined ? { detail } : {}), ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) }) as {
    ok: false;
    code: C;
    detail?: string;
    retryAfterMs?: number;
  };

/** A delivered file or link, remembered so a re-delivery or a restart never posts it twice. */
export interface DeliveredFile {
  key: string;
  name: string;
  as: 'attachment' | 'link' | 'skipped';
  /** Delivery round: 0 for the first delivery, +1 for each "deliver again". */
  round: number;
  bytes?: number;
  messageId?: string;
}

export interface Job {
  id: string;
  platform: Platform;
  workspaceId: string;
  channelId: string;
  userId: string;
  userName: string;
  originMeta: Record<string, string | number | boolean>;
  kind: JobKind;
  params: JobParams;
  input: AudioInput;
  /** Human name of the input, e.g. the attachment's file name. */
  inputName: string;
  /** Kie's taskId once submitted. */
  taskId: string | null;
  /** Unguessable per-job secret in the callback URL (≥128 bits, base64url). */
  callbackToken: string;
  state: JobState;
  /** Final results, once complete. */
  files: ResultFile[];
  /**
   * Why it failed. `reached` is the furthest state the job had reached when it failed (so the status can mark
   * the step that failed); rows failed by older versions lack it.
   */
  failure: { code: FailureCode; kieCode?: number; detail?: string; reached?: JobState } | null;
  statusMessageId: string | null;
  threadId: string | null;
  delivered: DeliveredFile[];
  /** Bumped by "deliver again" so the same files may be posted once more. */
  deliveryRound: number;
  createdAt: number;
  updatedAt: number;
  submittedAt: number | null;
  /**
   * When stembot last began sending this job to Kie (cleared when Kie certainly did not take it). Set with no
   * task id means an earlier attempt may have been charged: it is never sent again on stembot's own.
   */
  submitStartedAt?: number | null;
  /** When stembot found such an attempt and asked the requester to decide ("Submit again"). */
  submitUnconfirmedAt?: number | null;
  finishedAt: number | null;
  lastCallbackAt: number | null;
  nextPollAt: number | null;
  /** Kie credits the job costs (the estimate at creation, from core/costs.ts); counted against budgets unless released. */
  cost: number;
  /** Who pressed Cancel, once cancelled. */
  cancelledBy: string | null;
}

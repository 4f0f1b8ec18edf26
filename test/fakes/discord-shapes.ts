// The documented shapes a message create/edit body must have, checked by the fake Discord REST server.
// Limits: https://discord.com/developers/docs/resources/message#create-message and
// https://discord.com/developers/docs/interactions/message-components (buttons, action rows).
// Each function answers the list of violations (empty = fine), in words a failing test can show.

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function checkMessageBody(body: unknown, opts: { create: boolean }): string[] {
  const out: string[] = [];
  if (!isObj(body)) return ['body is not a JSON object'];
  if (body.content !== undefined && (typeof body.content !== 'string' || body.content.length > 2000)) out.push('content must be a string ≤ 2000 characters');
  if (body.embeds !== undefined) out.push(...checkEmbeds(body.embeds));
  if (body.components !== undefined) out.push(...checkComponents(body.components));
  if (body.allowed_mentions !== undefined) {
    const am = body.allowed_mentions;
    if (!isObj(am)) out.push('allowed_mentions must be an object');
    else if (Array.isArray(am.parse) && Array.isArray(am.users) && am.parse.includes('users')) out.push('allowed_mentions: parse "users" and users[] are mutually exclusive');
  }
  if (body.nonce !== undefined) {
    if (!opts.create) out.push('nonce is only accepted when creating a message');
    if (typeof body.nonce === 'string' ? body.nonce.length > 25 : !Number.isInteger(body.nonce)) out.push('nonce must be an integer or a string ≤ 25 characters');
  }
  if (body.enforce_nonce !== undefined && (typeof body.enforce_nonce !== 'boolean' || body.nonce === undefined)) out.push('enforce_nonce needs a nonce');
  return out;
}

function checkEmbeds(embeds: unknown): string[] {
  if (!Array.isArray(embeds)) return ['embeds must be an array'];
  const out: string[] = [];
  if (embeds.length > 10) out.push(`${embeds.length} embeds; at most 10`);
  let total = 0;
  for (const e of embeds) {
    if (!isObj(e)) {
      out.push('an embed is not an object');
      continue;
    }
    const title = typeof e.title === 'string' ? e.title : '';
    const description = typeof e.description === 'string' ? e.description : '';
    if (title.length > 256) out.push('embed title > 256 characters');
    if (description.length > 4096) out.push('embed description > 4096 characters');
    const fields = Array.isArray(e.fields) ? (e.fields as Obj[]) : [];
    if (fields.length > 25) out.push('embed has more than 25 fields');
    for (const f of fields) {
      if (typeof f.name !== 'string' || f.name.length === 0 || f.name.length > 256) out.push('embed field name must be 1–256 characters');
      if (typeof f.value !== 'string' || f.value.length === 0 || f.value.length > 1024) out.push('embed field value must be 1–1024 characters');
    }
    const footer = isObj(e.footer) && typeof e.footer.text === 'string' ? e.footer.text : '';
    if (footer.length > 2048) out.push('embed footer > 2048 characters');
    total += title.length + description.length + footer.length + fields.reduce((n, f) => n + String(f.name ?? '').length + String(f.value ?? '').length, 0);
  }
  if (total > 6000) out.push(`embeds hold ${total} characters; at most 6000 in all`);
  return out;
}

function checkComponents(rows: unknown): string[] {
  if (!Array.isArray(rows)) return ['components must be an array'];
  const out: string[] = [];
  if (rows.length > 5) out.push(`${rows.length} action rows; at most 5`);
  const ids = new Set<string>();
  for (const row of rows) {
    if (!isObj(row) || row.type !== 1 || !Array.isArray(row.components)) {
      out.push('a top-level component must be an action row (type 1) with components');
      continue;
    }
    if (row.components.length === 0 || row.components.length > 5) out.push('an action row holds 1–5 buttons');
    for (const b of row.components as Obj[]) {
      if (b.type === 3) {
        // A string select fills its row alone: custom_id 1–100, 1–25 options with label and value ≤ 100.
        const options = Array.isArray(b.options) ? (b.options as Obj[]) : [];
        if (row.components.length !== 1) out.push('a select menu must be alone in its action row');
        if (typeof b.custom_id !== 'string' || b.custom_id.length === 0 || b.custom_id.length > 100) out.push('select custom_id must be 1–100 characters');
        else if (ids.has(b.custom_id)) out.push(`custom_id ${b.custom_id} appears twice in one message`);
        else ids.add(b.custom_id);
        if (options.length === 0 || options.length > 25) out.push('a select menu holds 1–25 options');
        for (const o of options) if (typeof o.label !== 'string' || !o.label || o.label.length > 100 || typeof o.value !== 'string' || !o.value || o.value.length > 100) out.push('select options need a label and a value of 1–100 characters');
        continue;
      }
      if (b.type !== 2) {
        out.push('only buttons (type 2) are expected in rows');
        continue;
      }
      if (typeof b.label !== 'string' || b.label.length === 0 || b.label.length > 80) out.push('button label must be 1–80 characters');
      if (b.style === 5) {
        if (typeof b.url !== 'string' || b.url.length > 512 || !/^https?:\/\//.test(b.url)) out.push('link button url must be http(s) and ≤ 512 characters');
        if (b.custom_id !== undefined) out.push('a link button has no custom_id');
      } else {
        if (typeof b.custom_id !== 'string' || b.custom_id.length === 0 || b.custom_id.length > 100) out.push('button custom_id must be 1–100 characters');
        else if (ids.has(b.custom_id)) out.push(`custom_id ${b.custom_id} appears twice in one message`);
        else ids.add(b.custom_id);
        if (b.url !== undefined) out.push('only link buttons (style 5) have a url');
      }
    }
  }
  return out;
}

/** A multipart message: `payload_json` once, `files[n]` parts, ≤ 10 of them, each declared in `attachments`. */
export function checkMultipart(fields: Map<string, string[]>, files: { field: string; filename: string; bytes: number }[], payload: Obj | null): string[] {
  const out: string[] = [];
  const payloads = fields.get('payload_json') ?? [];
  if (payloads.length !== 1) out.push(`expected exactly one payload_json part, got ${payloads.length}`);
  for (const name of fields.keys()) if (name !== 'payload_json') out.push(`unexpected form field ${name}`);
  if (files.length > 10) out.push(`${files.length} files; at most 10 per message`);
  const indexes = new Set<number>();
  for (const f of files) {
    const m = /^files\[(\d+)\]$/.exec(f.field);
    if (!m) out.push(`file part named ${f.field}; expected files[n]`);
    else indexes.add(Number(m[1]));
    if (!f.filename) out.push(`file part ${f.field} has no filename`);
  }
  const attachments = payload && Array.isArray(payload.attachments) ? (payload.attachments as Obj[]) : null;
  if (attachments) {
    for (const a of attachments) {
      if (!indexes.has(Number(a.id))) out.push(`attachments[] names id ${String(a.id)} but no files[${String(a.id)}] part was sent`);
    }
  }
  return out;
}

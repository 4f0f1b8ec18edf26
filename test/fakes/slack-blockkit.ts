// The Block Kit and modal limits the fake Slack enforces, as Slack does (`invalid_blocks`, `invalid_arguments`),
// so a message or form stembot builds wrongly fails in tests too. https://docs.slack.dev/reference/block-kit/blocks
/** The Block Kit limits stembot must respect, checked like Slack does (`invalid_blocks`). */
export function checkMessage(a: Record<string, unknown>): string | null {
  if (!a.text && !a.blocks) return 'no_text';
  if (typeof a.text === 'string' && a.text.length > 40_000) return 'msg_too_long';
  const blocks = a.blocks as Record<string, unknown>[] | undefined;
  if (!blocks) return null;
  if (!Array.isArray(blocks) || blocks.length > 50) return 'invalid_blocks';
  const actionIds = new Set<string>();
  for (const b of blocks) {
    const text = (b.text as { text?: string } | undefined)?.text ?? '';
    if (b.type === 'header' && text.length > 150) return 'invalid_blocks';
    if (b.type === 'section' && text.length > 3000) return 'invalid_blocks';
    for (const e of (b.elements as Record<string, unknown>[] | undefined) ?? []) {
      if (b.type !== 'actions') continue;
      const id = String(e.action_id ?? '');
      if (!id || actionIds.has(id) || String(e.value ?? '').length > 2000) return 'invalid_blocks';
      if (((e.text as { text?: string } | undefined)?.text ?? '').length > 75) return 'invalid_blocks';
      if (e.type === 'static_select' && ((e.options as unknown[]) ?? []).length > 100) return 'invalid_blocks';
      actionIds.add(id);
    }
  }
  return null;
}

export function checkView(view: Record<string, unknown> | undefined): string | null {
  if (!view || view.type !== 'modal') return 'invalid_arguments';
  const title = (view.title as { text?: string } | undefined)?.text ?? '';
  const blocks = view.blocks as Record<string, unknown>[] | undefined;
  if (!title || title.length > 24) return 'invalid_arguments';
  if (!Array.isArray(blocks) || blocks.length > 100) return 'invalid_arguments';
  if (typeof view.private_metadata === 'string' && view.private_metadata.length > 3000) return 'invalid_arguments';
  const ids = new Set<string>();
  for (const b of blocks) {
    if (b.type !== 'input') continue;
    const id = String(b.block_id ?? '');
    if (!id || ids.has(id)) return 'invalid_arguments';
    ids.add(id);
    const el = b.element as Record<string, unknown>;
    if (el.type === 'static_select' && ((el.options as unknown[]) ?? []).length > 100) return 'invalid_arguments';
    if (el.type === 'plain_text_input' && Number(el.max_length ?? 0) > 3000) return 'invalid_arguments';
  }
  return null;
}

// The playground page's style sheet, served as /playground/app.css (no build step, no external fonts:
// the server may have no internet). Light and dark follow the system through prefers-color-scheme.
export const pageStyle = String.raw`
:root {
  color-scheme: light dark;
  --bg: #f4f5f8; --panel: #ffffff; --panel-2: #f8f9fb; --text: #1d2230; --muted: #667085; --line: #e3e6ec;
  --accent: #5b5bd6; --accent-soft: #ececfd; --accent-text: #ffffff;
  --ok: #1f8a5b; --ok-soft: #e3f5ec; --bad: #c8372d; --bad-soft: #fdeceb; --warn-soft: #fff6db;
  --shadow: 0 1px 2px rgba(16, 24, 40, .06), 0 1px 3px rgba(16, 24, 40, .08);
  --radius: 12px;
  --font: system-ui, -apple-system, "Segoe UI", Roboto, Ubuntu, "Helvetica Neue", Arial, sans-serif;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #111318; --panel: #1a1d24; --panel-2: #20242c; --text: #e6e8ee; --muted: #9aa3b2; --line: #2c313b;
    --accent: #8b8bf5; --accent-soft: #272a4a; --accent-text: #0f1020;
    --ok: #4cc38a; --ok-soft: #17312a; --bad: #ff6b61; --bad-soft: #3a1d1c; --warn-soft: #3a3220;
    --shadow: 0 1px 2px rgba(0, 0, 0, .4);
  }
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html, body { height: 100%; margin: 0; }
body { background: var(--bg); color: var(--text); font: 15px/1.45 var(--font); }
button, input, select, textarea { font: inherit; color: inherit; }
a { color: var(--accent); }
code { font-family: var(--mono); font-size: .88em; background: var(--panel-2); border: 1px solid var(--line); border-radius: 5px; padding: 0 .3em; }

.app { display: flex; flex-direction: column; height: 100%; max-width: 920px; margin: 0 auto; background: var(--panel); border-inline: 1px solid var(--line); }
.topbar { display: flex; align-items: center; justify-content: space-between; gap: 12px; padding: 10px 18px; border-bottom: 1px solid var(--line); }
.brand { display: flex; align-items: center; gap: 10px; }
.logo { display: grid; place-items: center; width: 34px; height: 34px; border-radius: 10px; background: var(--accent); color: var(--accent-text); font-weight: 700; font-size: 18px; }
.brand-name { font-weight: 700; }
.channel { color: var(--muted); font-size: 13px; }
.topbar-right { display: flex; align-items: center; gap: 10px; }
.conn { font-size: 12px; color: var(--muted); display: inline-flex; align-items: center; gap: 6px; }
.conn::before { content: ""; width: 8px; height: 8px; border-radius: 50%; background: var(--muted); }
.conn[data-state="live"]::before { background: var(--ok); }
.conn[data-state="down"]::before { background: var(--bad); }
.link-button { border: 0; background: none; color: var(--muted); cursor: pointer; font-size: 13px; text-decoration: underline; }

.feed { flex: 1; overflow-y: auto; padding: 8px 18px 16px; }
.empty { margin: 12vh auto; max-width: 420px; text-align: center; color: var(--muted); }
.empty strong { color: var(--text); display: block; font-size: 17px; margin-bottom: 4px; }
.messages, .thread-list, .files, .links, .steps { list-style: none; margin: 0; padding: 0; }
.msg { display: grid; grid-template-columns: 36px minmax(0, 1fr); gap: 10px; padding: 10px 0; }
.messages > .msg + .msg { border-top: 1px solid var(--line); }
.avatar { width: 36px; height: 36px; border-radius: 50%; display: grid; place-items: center; font-weight: 700; background: var(--accent); color: var(--accent-text); }
.msg-head { display: flex; align-items: baseline; gap: 8px; margin-bottom: 4px; }
.author { font-weight: 650; }
.bot-tag { font-size: 10px; font-weight: 700; letter-spacing: .04em; padding: 1px 5px; border-radius: 4px; background: var(--accent-soft); color: var(--accent); }
.time { color: var(--muted); font-size: 12px; }
.text { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.mention { display: inline-block; padding: 0 4px; border-radius: 4px; background: var(--accent-soft); color: var(--accent); font-weight: 600; }

.card { border: 1px solid var(--line); border-left: 4px solid var(--accent); border-radius: var(--radius); background: var(--panel-2); padding: 12px 14px; box-shadow: var(--shadow); }
.card[data-state="complete"] { border-left-color: var(--ok); }
.card[data-state="failed"] { border-left-color: var(--bad); }
.card-head { display: flex; justify-content: space-between; align-items: baseline; gap: 10px; }
.kind { font-weight: 700; }
.elapsed { color: var(--muted); font-size: 12px; font-variant-numeric: tabular-nums; white-space: nowrap; }
.card-meta { color: var(--muted); font-size: 13px; margin: 2px 0 10px; overflow-wrap: anywhere; }
.input-name { color: var(--text); font-weight: 550; }
.steps { display: flex; flex-wrap: wrap; gap: 6px 0; align-items: center; }
.step { display: inline-flex; align-items: center; gap: 6px; font-size: 12.5px; color: var(--muted); }
.step + .step::before { content: ""; width: 18px; height: 2px; margin: 0 6px; background: var(--line); border-radius: 1px; }
.step[data-state="done"] + .step::before { background: var(--ok); }
.dot { width: 18px; height: 18px; border-radius: 50%; border: 2px solid var(--line); display: grid; place-items: center; font-size: 11px; line-height: 1; background: var(--panel); }
.step[data-state="done"] .dot { border-color: var(--ok); background: var(--ok); color: #fff; }
.step[data-state="done"] .dot::after { content: "✓"; }
.step[data-state="current"] { color: var(--text); font-weight: 650; }
.step[data-state="current"] .dot { border-color: var(--accent); box-shadow: 0 0 0 3px var(--accent-soft); }
.step[data-state="current"] .dot::after { content: ""; width: 8px; height: 8px; border-radius: 50%; background: var(--accent); }
.card.running .step[data-state="current"] .dot::after { animation: pulse 1.4s ease-in-out infinite; }
.card[data-state="complete"] .step[data-state="current"] .dot { border-color: var(--ok); background: var(--ok); box-shadow: 0 0 0 3px var(--ok-soft); }
.card[data-state="complete"] .step[data-state="current"] .dot::after { content: "✓"; width: auto; height: auto; background: none; color: #fff; }
.step[data-state="failed"] { color: var(--bad); font-weight: 650; }
.step[data-state="failed"] .dot { border-color: var(--bad); background: var(--bad); color: #fff; }
.step[data-state="failed"] .dot::after { content: "✕"; }
.stage-line { margin: 10px 0 0; font-size: 14px; }
.card[data-state="failed"] .stage-line { color: var(--bad); }
.cost-line { margin: 4px 0 0; font-size: 12px; color: var(--muted, #888); }
@keyframes pulse { 50% { opacity: .35; } }
@media (prefers-reduced-motion: reduce) { .card .dot::after { animation: none !important; } }

.thread { margin: 8px 0 0 4px; padding-left: 12px; border-left: 2px solid var(--line); }
.thread-head { font-size: 12px; color: var(--muted); margin: 2px 0 2px; }
.thread .msg { grid-template-columns: 26px minmax(0, 1fr); gap: 8px; padding: 8px 0 4px; }
.thread .avatar { width: 26px; height: 26px; font-size: 12px; }
.notice { border-radius: 10px; padding: 8px 10px; background: var(--warn-soft); }
.notice.failure { background: var(--bad-soft); border: 1px solid color-mix(in srgb, var(--bad) 35%, transparent); }
.notice.failure strong { color: var(--bad); }

.files { display: grid; gap: 8px; margin-top: 8px; }
.file { border: 1px solid var(--line); border-radius: 10px; padding: 8px 10px; background: var(--panel); }
.file-head { display: flex; align-items: baseline; gap: 8px; flex-wrap: wrap; }
.file-name { font-weight: 600; overflow-wrap: anywhere; }
.file-size { color: var(--muted); font-size: 12px; }
.file-head a { margin-left: auto; font-size: 13px; }
.file audio { width: 100%; height: 36px; margin-top: 6px; display: block; }
.file img.roll { display: block; max-width: 100%; height: auto; margin-top: 6px; border-radius: 6px; }
.links { margin-top: 6px; display: flex; flex-wrap: wrap; gap: 6px 14px; font-size: 14px; }
.links a { overflow-wrap: anywhere; }
.actions { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 8px; }
.action-group { display: inline-flex; gap: 4px; align-items: center; }
.btn { border: 1px solid var(--line); background: var(--panel); border-radius: 8px; padding: 5px 12px; cursor: pointer; font-size: 13.5px; }
.btn:hover { border-color: var(--accent); color: var(--accent); }
.btn:disabled { opacity: .55; cursor: progress; }
.inline-error { color: var(--bad); font-size: 13px; margin: 6px 0 0; }
.inline-ok { color: var(--ok); font-size: 13px; margin: 6px 0 0; }
.send:disabled[title]:not([title=""]) { cursor: not-allowed; }

.wave { display: block; width: 100%; height: 44px; margin-top: 6px; border-radius: 6px; background: var(--panel-2); }
.file.silent .wave { opacity: .7; }
.silent-tag { font-size: 11px; font-weight: 700; text-transform: uppercase; letter-spacing: .04em; padding: 1px 6px; border-radius: 4px; background: var(--warn-soft); color: var(--muted); }
.in-thread { display: block; border: 0; background: none; padding: 0; margin: 0 0 4px; color: var(--accent); cursor: pointer; font-size: 12.5px; text-align: left; }
.in-thread:hover { text-decoration: underline; }
.msg.flash .card { animation: flash 1.6s ease-out; }
@keyframes flash { 0% { box-shadow: 0 0 0 4px var(--accent); } 100% { box-shadow: var(--shadow); } }
.ephemeral .msg-body { background: var(--accent-soft); border-radius: 10px; padding: 8px 10px; }
.only-you { color: var(--muted); font-size: 12px; }
.dismiss { margin-left: auto; font-size: 12px; }
.job-list { list-style: none; margin: 6px 0 0; padding: 0; display: grid; gap: 8px; }
.job-row, .job-detail { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 8px 10px; }
.job-line { overflow-wrap: anywhere; }
.job-stage { color: var(--muted); font-size: 13px; margin-top: 2px; }
.job-failure { color: var(--bad); font-size: 13.5px; margin: 6px 0 0; }
.badge { display: inline-block; font-size: 11px; font-weight: 700; padding: 0 6px; border-radius: 4px; background: var(--panel-2); border: 1px solid var(--line); color: var(--muted); }
.badge[data-state="complete"] { color: var(--ok); border-color: var(--ok); }
.badge[data-state="failed"] { color: var(--bad); border-color: var(--bad); }

.composer { border-top: 1px solid var(--line); padding: 0 18px; background: var(--panel); max-height: 40vh; max-height: 40dvh; overflow-y: auto; flex: none; }
/* The commands stay at the top and Send at the bottom while the options scroll between them. */
.composer > .tabs { position: sticky; top: 0; z-index: 2; background: var(--panel); padding-top: 12px; padding-bottom: 10px; margin-bottom: 0; }
.composer > .send-row { position: sticky; bottom: 0; z-index: 2; background: var(--panel); padding: 10px 0 14px; }
/* Folded: only the commands and the send row, so the channel has the screen. */
.composer.collapsed > :not(.tabs):not(.send-row) { display: none !important; }
.composer.collapsed .tabs { margin-bottom: 6px; }
.collapse { margin-left: auto; flex: none; white-space: nowrap; border: 0; background: var(--panel); color: var(--muted); cursor: pointer; font-size: 13px; padding: 4px 6px; position: sticky; right: 0; }
.collapse:hover { color: var(--accent); }
.hint { margin: 0 0 10px; color: var(--muted); font-size: 13.5px; }
.tabs { display: flex; gap: 6px; flex-wrap: wrap; align-items: center; margin-bottom: 10px; }
.tab { border: 1px solid var(--line); background: var(--panel-2); border-radius: 999px; padding: 4px 12px; cursor: pointer; font-family: var(--mono); font-size: 13.5px; }
.tab[aria-selected="true"] { background: var(--accent); border-color: var(--accent); color: var(--accent-text); }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 10px; margin-bottom: 10px; }
.field { display: flex; flex-direction: column; gap: 3px; min-width: 0; }
.field.wide { grid-column: 1 / -1; }
@media (min-width: 561px) { .field.span-2 { grid-column: span 2; } }
.label { font-size: 12.5px; color: var(--muted); }
.label b { font-family: var(--mono); font-weight: 600; color: var(--text); font-size: 12.5px; }
.field input, .field select, .field textarea { width: 100%; border: 1px solid var(--line); border-radius: 8px; padding: 7px 9px; background: var(--panel-2); }
.field textarea { resize: vertical; min-height: 56px; }
.field input:focus, .field select:focus, .field textarea:focus, .tab:focus-visible, .btn:focus-visible, .send:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
.seg { display: inline-flex; border: 1px solid var(--line); border-radius: 8px; overflow: hidden; align-self: start; }
.seg label { padding: 6px 12px; cursor: pointer; font-size: 13.5px; border-right: 1px solid var(--line); }
.seg label:last-child { border-right: 0; }
.seg input { position: absolute; opacity: 0; pointer-events: none; }
.seg label:has(input:checked) { background: var(--accent-soft); color: var(--accent); font-weight: 600; }
.seg label:has(input:focus-visible) { outline: 2px solid var(--accent); outline-offset: -2px; }
.source { display: flex; flex-wrap: wrap; gap: 10px; align-items: end; margin-bottom: 10px; }
.source .field { flex: 1 1 260px; }
.pair { display: flex; gap: 8px; }
details.more { margin-bottom: 10px; }
details.more summary, details.tricks summary { cursor: pointer; color: var(--muted); font-size: 13px; }
details.more[open] summary { margin-bottom: 8px; }
.send-row { display: flex; align-items: center; gap: 12px; flex-wrap: wrap; }
.send { margin-left: auto; border: 0; border-radius: 8px; padding: 8px 18px; background: var(--accent); color: var(--accent-text); font-weight: 650; cursor: pointer; }
.send:disabled { opacity: .6; cursor: progress; }
.composer-error { margin: 0; color: var(--bad); font-size: 13.5px; flex: 1 1 240px; white-space: pre-line; overflow-wrap: anywhere; }
.composer-ok { margin: 0; color: var(--ok); font-size: 13.5px; flex: 1 1 240px; }
.tricks { margin: 0 0 14px; font-size: 13px; color: var(--muted); }
.tricks p { margin: 6px 0; }
.chips { display: flex; flex-wrap: wrap; gap: 6px; }
.chip { border: 1px dashed var(--line); background: none; border-radius: 999px; padding: 2px 9px; cursor: pointer; font-family: var(--mono); font-size: 12px; color: var(--text); }
.chip:hover { border-color: var(--accent); color: var(--accent); }

.login { position: fixed; inset: 0; display: grid; place-items: center; background: var(--bg); padding: 16px; }
.login form { width: min(360px, 100%); background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: 22px; box-shadow: var(--shadow); display: grid; gap: 12px; }
.login h1 { font-size: 18px; margin: 0; }
.login p { margin: 0; color: var(--muted); }
.login .inline-error { color: var(--bad); }

@media (max-width: 560px) {
  body { font-size: 14.5px; }
  .app { border: 0; }
  .topbar, .feed, .composer { padding-left: 10px; padding-right: 10px; }
  .msg { grid-template-columns: 28px minmax(0, 1fr); gap: 8px; }
  .avatar { width: 28px; height: 28px; font-size: 13px; }
  .step .label { font-size: 11.5px; }
  .steps { gap: 6px 12px; }
  .step + .step::before { display: none; }
  .send { width: 100%; }
  .composer { max-height: 36vh; max-height: 36dvh; }
  .composer > .tabs { flex-wrap: nowrap; overflow-x: auto; padding-top: 8px; padding-bottom: 8px; }
  .composer > .send-row { padding: 8px 0 10px; }
  .tab { flex: none; padding: 3px 10px; font-size: 12.5px; }
}
`;

// The playground page: plain HTML with its style and script served beside it (no build step, no CDN). The
// script fills the message list from /playground/api and keeps it live over server-sent events.
import { ADVANCED_STEM_NAMES } from '../../core/kie-vocabulary.js';
import { simScenarios } from './composer-choices.js';
export { pageScript } from './page-script.js';
export { pageStyle } from './page-style.js';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** One labelled control; `attrs` are extra attributes of the label, e.g. `data-for="add-vocals"`. */
const field = (option: string, hint: string, control: string, attrs = '', width: '' | 'wide' | 'span-2' = '') =>
  `<label class="field${width ? ` ${width}` : ''}" ${attrs}><span class="label"><b>${option}</b> ${hint}</span>${control}</label>`;
const weightField = (option: string, hint: string) =>
  field(option, hint, `<input name="${option}" type="number" min="0" max="1" step="0.01" inputmode="decimal" placeholder="0–1">`);

const favicon =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Crect width='32' height='32' rx='8' fill='%235b5bd6'/%3E%3Cpath d='M7 12h18M7 16h18M7 20h18' stroke='white' stroke-width='2.5' stroke-linecap='round'/%3E%3C/svg%3E";

export const pageHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<title>stembot playground</title>
<link rel="icon" href="${favicon}">
<link rel="stylesheet" href="/playground/app.css">
<script src="/playground/app.js" defer></script>
</head>
<body>
<div class="app" id="app" hidden>
  <header class="topbar">
    <div class="brand">
      <span class="logo" aria-hidden="true">≋</span>
      <div><div class="brand-name">stembot</div><div class="channel"># playground</div></div>
    </div>
    <div class="topbar-right">
      <span class="conn" id="conn" data-state="connecting">connecting…</span>
      <button type="button" class="link-button" id="credits">/credits</button>
      <button type="button" class="link-button" id="logout" hidden>Log out</button>
    </div>
  </header>

  <main class="feed" id="feed">
    <div class="empty" id="empty">
      <strong>Nothing here yet</strong>
      Pick a command below, give it a song, and watch stembot work: the status card updates live and the
      stems arrive in its thread.
    </div>
    <ol class="messages" id="messages" aria-live="polite"></ol>
  </main>

  <form class="composer" id="composer" novalidate>
    <div class="tabs" role="tablist" aria-label="Command">
      <button type="button" class="tab" role="tab" data-command="separate" aria-selected="true">/separate</button>
      <button type="button" class="tab" role="tab" data-command="add-vocals" aria-selected="false">/add-vocals</button>
      <button type="button" class="tab" role="tab" data-command="add-instrumental" aria-selected="false">/add-instrumental</button>
      <button type="button" class="tab" role="tab" data-command="midi" aria-selected="false">/midi</button>
      <button type="button" class="tab" role="tab" data-command="wav" aria-selected="false">/wav</button>
      <button type="button" class="tab" role="tab" data-command="jobs" aria-selected="false">/jobs</button>
      <button type="button" class="tab" role="tab" data-command="job" aria-selected="false">/job</button>
      <button type="button" class="collapse" id="collapse" aria-expanded="true" aria-controls="composer" title="Fold the composer away to see more of the channel">Hide ▾</button>
    </div>

    <div class="grid" data-for="midi wav">
      ${field('id', 'the finished job: a separation (/midi) or a generated song (/wav)', '<input name="id" maxlength="40" placeholder="job id" autocomplete="off">')}
      ${field('midi_stem', 'optional: only this stem, e.g. Bass', '<input name="midi_stem" maxlength="100" placeholder="all stems">', 'data-for="midi"')}
      ${field('take', 'which take', '<input name="take" type="number" min="1" max="10" step="1" value="1">', 'data-for="wav"')}
    </div>

    <p class="hint" data-for="jobs">Your recent jobs, their state and where to find them. Only you see the answer.</p>
    <div class="grid" data-for="job">
      ${field('id', 'of one of your jobs (from /jobs)', '<input name="job_id" placeholder="e.g. 8f3k2m9q1z" autocomplete="off" aria-label="id">', '', 'span-2')}
    </div>

    <div class="source" data-for="separate add-vocals add-instrumental">
      <div class="seg" role="radiogroup" aria-label="Song">
        <label><input type="radio" name="source" value="file" checked>File</label>
        <label><input type="radio" name="source" value="url">URL</label>
        <label data-for="separate"><input type="radio" name="source" value="track">Kie track</label>
      </div>
      ${field('audio', 'the song', '<input name="audio" type="file" accept="audio/*,.mp3,.wav,.flac,.ogg,.m4a">', 'data-source="file"')}
      ${field('url', 'a public link to the song', '<input name="url" type="url" placeholder="https://example.com/song.mp3" autocomplete="off">', 'data-source="url"')}
      <div class="field" data-source="track">
        <span class="label"><b>task_id</b> + <b>audio_id</b> of a track Kie generated</span>
        <div class="pair"><input name="task_id" placeholder="task_id" aria-label="task_id" autocomplete="off"><input name="audio_id" placeholder="audio_id" aria-label="audio_id" autocomplete="off"></div>
      </div>
    </div>

    <div class="grid" data-for="separate">
      ${field('mode', 'what to separate', `<select name="mode">
        <option value="vocals">vocals — vocals + instrumental</option>
        <option value="stems">stems — up to 12 stems</option>
        <option value="single">single — one instrument</option>
      </select>`, '', 'span-2')}
      ${field('stem', 'the instrument', '<input name="stem" list="stem-names" placeholder="e.g. Piano" autocomplete="off">', 'data-mode="single"')}
    </div>

    <div class="grid" data-for="add-vocals add-instrumental">
      ${field('prompt', 'what the vocals sing', '<textarea name="prompt" rows="2" maxlength="5000" placeholder="a folk song about rivers"></textarea>', 'data-for="add-vocals"', 'wide')}
      ${field('style', 'musical style', '<input name="style" maxlength="1000" placeholder="Folk, warm, acoustic">', 'data-for="add-vocals"')}
      ${field('tags', 'style of the instrumental', '<input name="tags" maxlength="1000" placeholder="lo-fi, mellow piano, vinyl">', 'data-for="add-instrumental"')}
      ${field('title', 'of the new track', '<input name="title" maxlength="80" placeholder="River Song">')}
      ${field('vocal_gender', 'optional', '<select name="vocal_gender"><option value="">any</option><option value="f">f — female</option><option value="m">m — male</option></select>', 'data-for="add-vocals"')}
    </div>

    <details class="more" data-for="add-vocals add-instrumental">
      <summary>More options</summary>
      <div class="grid">
        ${field('negative_tags', 'styles to avoid', '<input name="negative_tags" maxlength="200" placeholder="heavy metal">')}
        ${field('model', 'Kie model', '<select name="model"><option value="">default (V4_5PLUS)</option><option>V4_5PLUS</option><option>V5</option><option>V5_5</option></select>')}
        ${weightField('style_weight', 'how closely to follow the style')}
        ${weightField('weirdness', 'how adventurous')}
        ${weightField('audio_weight', 'how much of your audio to keep')}
      </div>
    </details>

    <div class="send-row">
      <p class="composer-error" id="composer-error" role="alert" hidden></p>
      <p class="composer-ok" id="composer-ok" role="status" hidden></p>
      <button type="submit" class="send" id="send">Send /separate</button>
    </div>

    <details class="tricks" id="tricks">
      <summary>Demo mode: make the simulator misbehave on purpose</summary>
      <p>Add <code>#sim=fail-451</code> (or another scenario) to the end of a URL, or start a title with
        <code>[sim:fail-402] </code>. Click a scenario to put it on the URL:</p>
      <div class="chips">${simScenarios.map((s) => `<button type="button" class="chip" data-sim="${s}">${s}</button>`).join('')}</div>
    </details>
  </form>
</div>

<div class="login" id="login" hidden>
  <form id="login-form">
    <h1>stembot playground</h1>
    <p>This playground is protected. Enter its password to continue.</p>
    <label class="field"><span class="label">Password</span><input name="password" type="password" autocomplete="current-password" required></label>
    <p class="inline-error" id="login-error" role="alert" hidden></p>
    <button type="submit" class="send">Enter</button>
  </form>
</div>

<datalist id="stem-names">${ADVANCED_STEM_NAMES.map((s) => `<option value="${escapeHtml(s)}"></option>`).join('')}</datalist>
</body>
</html>
`;

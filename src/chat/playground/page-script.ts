// The playground page's script, served as /playground/app.js. Plain browser JavaScript kept in a string so
// there is no build step. It never assigns innerHTML: every piece of text from the server goes in through
// textContent / text nodes, and links are only followed when they are http(s).
// (Written without backticks or dollar-brace so it can live inside String.raw.)
export const pageScript = String.raw`(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var form = $('composer');
  var state = {
    messages: new Map(), nodes: new Map(), statusByJob: new Map(), threadLists: new Map(),
    clockOffsetMs: 0, command: 'separate', maxUploadBytes: 0, events: null, follow: true, retry: null,
    live: false, sending: false
  };

  // ---------- small helpers ----------
  function h(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === 'class') node.className = v;
      else if (k === 'text') node.textContent = v;
      else node.setAttribute(k, v === true ? '' : String(v));
    });
    (children || []).forEach(function (c) { if (c !== null && c !== undefined && c !== false) node.append(c); });
    return node;
  }
  function safeHref(url) {
    try {
      var u = new URL(url, location.href);
      return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
    } catch (e) { return null; }
  }
  function formatBytes(n) {
    if (n < 1024) return n + ' B';
    if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KB';
    return (n / 1024 / 1024).toFixed(1) + ' MB';
  }
  function formatElapsed(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    var pad = function (x) { return (x < 10 ? '0' : '') + x; };
    if (s < 60) return s + 's';
    if (s < 3600) return Math.floor(s / 60) + 'm ' + pad(s % 60) + 's';
    return Math.floor(s / 3600) + 'h ' + pad(Math.floor(s / 60) % 60) + 'm';
  }
  function formatTime(ms) { return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }); }
  function isTerminal(view) { return view.state === 'complete' || view.state === 'failed' || view.state === 'cancelled'; }
  function api(method, path, body) {
    var init = { method: method, credentials: 'same-origin', headers: {} };
    if (body !== undefined) { init.headers['content-type'] = 'application/json'; init.body = JSON.stringify(body); }
    return fetch(path, init).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (res.status === 401 && path !== '/playground/api/login') showLogin();
        return { status: res.status, ok: res.ok, data: data };
      });
    });
  }
  function nearBottom() { var f = $('feed'); return f.scrollHeight - f.scrollTop - f.clientHeight < 140; }
  function scrollToBottom() { var f = $('feed'); f.scrollTop = f.scrollHeight; }
  function setConn(kind, text) {
    var c = $('conn'); c.dataset.state = kind; c.textContent = text;
    state.live = kind === 'live';
    updateSend();
  }
  // Nothing is sent while the live connection is down: its answer (the status card) could not be shown.
  function updateSend() {
    var send = $('send');
    send.disabled = state.sending || !state.live;
    send.title = state.live ? '' : 'Waiting for the connection to stembot…';
  }

  // ---------- rendering ----------
  // The core writes Discord-style **bold** and inline code; show those, everything else stays plain text.
  function richText(text) {
    var out = [], re = /\*\*([^*]+)\*\*|__([^_]+)__|\x60([^\x60]+)\x60/g, last = 0, m;
    while ((m = re.exec(text)) !== null) {
      if (m.index > last) out.push(text.slice(last, m.index));
      out.push(m[3] !== undefined ? h('code', { text: m[3] }) : h('strong', { text: m[1] !== undefined ? m[1] : m[2] }));
      last = re.lastIndex;
    }
    if (last < text.length) out.push(text.slice(last));
    return out;
  }
  // The stage line ends with the elapsed time at the last edit; the card shows a live clock instead.
  function stageText(line) { return line.replace(/\s*\((?:\d+h )?(?:\d+m )?\d+[sm]\)$/, ''); }
  function mention(name) { return h('span', { class: 'mention', text: '@' + name }); }
  function head(m) {
    return h('div', { class: 'msg-head' }, [
      h('span', { class: 'author', text: 'stembot' }), h('span', { class: 'bot-tag', text: 'BOT' }),
      h('time', { class: 'time', datetime: new Date(m.createdAt).toISOString(), text: formatTime(m.createdAt) })
    ]);
  }
  function avatar() { return h('div', { class: 'avatar', 'aria-hidden': 'true', text: 'S' }); }

  function elapsedOf(m) {
    var v = m.status;
    if (isTerminal(v)) return v.elapsedMs;
    return v.elapsedMs + Math.max(0, Date.now() + state.clockOffsetMs - (m.editedAt || m.createdAt));
  }
  function statusCard(m) {
    var v = m.status;
    var steps = h('ol', { class: 'steps', 'aria-label': 'Progress' }, v.steps.map(function (s) {
      return h('li', { class: 'step', 'data-state': s.state, 'aria-current': s.state === 'current' ? 'step' : null }, [
        h('span', { class: 'dot', 'aria-hidden': 'true' }), h('span', { class: 'label', text: s.label })
      ]);
    }));
    return h('article', { class: 'card' + (isTerminal(v) ? '' : ' running'), 'data-state': v.state }, [
      h('header', { class: 'card-head' }, [
        h('span', { class: 'kind', text: v.title }),
        h('span', { class: 'elapsed', title: 'Time since the request', text: formatElapsed(elapsedOf(m)) })
      ]),
      h('div', { class: 'card-meta' }, [h('span', { class: 'input-name', text: v.inputName }), ' · asked by ', mention(v.requester.userName)]),
      steps,
      h('p', { class: 'stage-line', text: stageText(v.stageLine) }),
      v.costLine ? h('p', { class: 'cost-line', text: v.costLine }) : null,
      v.actions && v.actions.length ? cardActions(v.actions) : null
    ]);
  }
  function cardActions(actions) {
    var errorLine = h('p', { class: 'inline-error', role: 'alert', hidden: true });
    return h('div', { class: 'actions' }, actions.map(function (a) { return actionButton(a, errorLine); }).concat([errorLine]));
  }
  function renderStatus(m) {
    state.statusByJob.set(m.jobId, m.id);
    var li = state.nodes.get(m.id);
    if (!li) {
      var thread = h('div', { class: 'thread', hidden: true }, [h('div', { class: 'thread-head' }), h('ol', { class: 'thread-list' })]);
      li = h('li', { class: 'msg msg-status', 'data-id': m.id }, [avatar(), h('div', { class: 'msg-body' }, [head(m), statusCard(m), thread])]);
      state.nodes.set(m.id, li);
      $('messages').append(li);
    } else {
      li.querySelector('.card').replaceWith(statusCard(m));
    }
    if (m.thread) {
      li.querySelector('.thread-head').textContent = 'Thread · ' + m.thread.name;
      state.threadLists.set(m.thread.id, li.querySelector('.thread-list'));
    }
    markNotices(m.jobId);
  }

  function fileItem(f) {
    var href = safeHref(f.url);
    return h('li', { class: 'file' }, [
      h('div', { class: 'file-head' }, [
        h('span', { class: 'file-name', text: f.name }), h('span', { class: 'file-size', text: formatBytes(f.bytes) }),
        href ? h('a', { href: href, download: f.name, text: 'Download' }) : null
      ]),
      href && /^audio\/(?!midi)/.test(f.mimeType) ? waveCanvas(href) : null,
      href && /^audio\/(?!midi)/.test(f.mimeType) ? h('audio', { controls: true, preload: 'metadata', src: href }) : null,
      // The MIDI's piano roll: the same picture the chat platforms get.
      href && /^image\/png$/.test(f.mimeType) ? h('img', { class: 'roll', src: href, alt: f.name, loading: 'lazy' }) : null
    ]);
  }

  // ---------- waveforms ----------
  // Each stem's shape, drawn from the audio itself (fetched from this server, decoded by Web Audio), so a
  // silent stem shows as a flat line before anyone presses play. One file at a time: a 12-stem delivery would
  // otherwise decode them all at once.
  var waves = { queue: [], busy: false };
  function waveCanvas(href) {
    var canvas = h('canvas', { class: 'wave', width: 600, height: 44, 'data-state': 'loading', 'aria-label': 'Waveform', role: 'img' });
    waves.queue.push({ canvas: canvas, href: href });
    setTimeout(pumpWaves, 0);
    return canvas;
  }
  function pumpWaves() {
    if (waves.busy || waves.queue.length === 0) return;
    var next = waves.queue.shift();
    if (!next.canvas.isConnected) { pumpWaves(); return; }
    waves.busy = true;
    fetch(next.href, { credentials: 'same-origin' }).then(function (res) {
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return res.arrayBuffer();
    }).then(function (bytes) {
      // An offline context decodes without the autoplay rules; 8 kHz is plenty for a picture.
      return new OfflineAudioContext(1, 1, 8000).decodeAudioData(bytes);
    }).then(function (audio) { drawWave(next.canvas, audio); }, function () {
      next.canvas.dataset.state = 'error';
      next.canvas.title = 'This file could not be decoded here.';
    }).then(function () { waves.busy = false; pumpWaves(); });
  }
  function drawWave(canvas, audio) {
    var ratio = window.devicePixelRatio || 1;
    var width = Math.max(120, Math.round((canvas.clientWidth || 600) * ratio)), height = Math.round(44 * ratio);
    canvas.width = width; canvas.height = height;
    var channels = [];
    for (var c = 0; c < audio.numberOfChannels; c++) channels.push(audio.getChannelData(c));
    var length = audio.length, peaks = new Float32Array(width), loudest = 0;
    for (var x = 0; x < width; x++) {
      var from = Math.floor((x * length) / width), to = Math.max(from + 1, Math.floor(((x + 1) * length) / width)), peak = 0;
      for (var ch = 0; ch < channels.length; ch++) {
        var data = channels[ch];
        for (var i = from; i < to && i < length; i++) { var v = data[i] < 0 ? -data[i] : data[i]; if (v > peak) peak = v; }
      }
      peaks[x] = peak;
      if (peak > loudest) loudest = peak;
    }
    var silent = loudest < 0.001; // below -60 dBFS: nothing anyone would hear
    var style = getComputedStyle(canvas), g = canvas.getContext('2d'), mid = height / 2;
    g.clearRect(0, 0, width, height);
    g.fillStyle = style.getPropertyValue(silent ? '--muted' : '--accent').trim() || (silent ? '#888' : '#5b5bd6');
    for (var px = 0; px < width; px++) {
      var half = silent ? 0.5 * ratio : Math.max(0.5 * ratio, peaks[px] * (mid - ratio));
      g.fillRect(px, mid - half, 1, half * 2);
    }
    canvas.dataset.state = silent ? 'silent' : 'drawn';
    canvas.dataset.peak = loudest.toFixed(4);
    var item = canvas.closest('.file');
    if (silent && item && !item.querySelector('.silent-tag')) {
      item.classList.add('silent');
      item.querySelector('.file-head').insertBefore(h('span', { class: 'silent-tag', text: 'silent' }), item.querySelector('.file-size').nextSibling);
    }
  }
  function linkItem(l) {
    var href = safeHref(l.url);
    if (!href) return h('li', { text: l.label + ': ' + l.url });
    return h('li', {}, [h('a', { href: href, target: '_blank', rel: 'noopener noreferrer', text: l.label + ' ↗' })]);
  }
  function actionButton(action, errorLine) {
    var button = h('button', { type: 'button', class: 'btn', text: action.label });
    // MIDI of a separation: a menu of its stems beside the button ("all stems" by default).
    var menu = action.id === 'midi' && action.stems && action.stems.length > 1
      ? h('select', { class: 'stem-menu', 'aria-label': 'Which stems' }, [h('option', { value: '', text: 'all stems' })].concat(action.stems.map(function (s) { return h('option', { value: s.key, text: s.label }); })))
      : null;
    button.addEventListener('click', function () {
      button.disabled = true; errorLine.hidden = true;
      var sent = { id: action.id, label: action.label, jobId: action.jobId };
      ['taskId', 'audioId', 'take'].forEach(function (k) { if (action[k] !== undefined) sent[k] = action[k]; });
      if (menu && menu.value) sent.stem = menu.value;
      api('POST', '/playground/api/actions', { action: sent }).then(function (r) {
        button.disabled = false;
        if (r.ok) { state.follow = true; return; }
        if (r.status !== 401) { errorLine.textContent = r.data.message || 'That did not work.'; errorLine.hidden = false; }
      }, function () {
        button.disabled = false; errorLine.textContent = 'stembot could not be reached.'; errorLine.hidden = false;
      });
    });
    return menu ? h('span', { class: 'action-group' }, [menu, button]) : button;
  }
  function messageItem(m) {
    var text = h('p', { class: 'text' }, [m.mention ? mention(m.mention.userName) : null, m.mention ? ' ' : null].concat(richText(m.text)));
    var body = [head(m), m.mention ? h('div', { class: 'notice', 'data-job': m.jobId }, [text]) : text];
    if (m.broadcast) body.splice(1, 0, threadPointer(m.jobId));
    if (m.files.length) body.push(h('ul', { class: 'files' }, m.files.map(fileItem)));
    if (m.links.length) body.push(h('ul', { class: 'links' }, m.links.map(linkItem)));
    if (m.actions.length) {
      var errorLine = h('p', { class: 'inline-error', role: 'alert', hidden: true });
      body.push(h('div', { class: 'actions' }, m.actions.map(function (a) { return actionButton(a, errorLine); })), errorLine);
    }
    return h('li', { class: 'msg', 'data-id': m.id }, [avatar(), h('div', { class: 'msg-body' }, body)]);
  }
  function renderMessage(m) {
    var li = messageItem(m);
    var old = state.nodes.get(m.id);
    state.nodes.set(m.id, li);
    if (old) old.replaceWith(li);
    else {
      var list = m.threadId && !m.broadcast && state.threadLists.get(m.threadId);
      if (list) { list.append(li); list.parentNode.hidden = false; } else $('messages').append(li);
    }
    if (m.mention) markNotices(m.jobId);
  }
  // A reply also shown in the channel ("Deliver again"): it says which thread it belongs to, and goes there.
  function threadPointer(jobId) {
    var statusId = state.statusByJob.get(jobId), status = statusId && state.messages.get(statusId);
    var name = status && status.thread ? status.thread.name : 'the job’s thread';
    var b = h('button', { type: 'button', class: 'in-thread', text: '↳ in thread: ' + name });
    b.addEventListener('click', function () { goToJob(jobId); });
    return b;
  }
  function goToJob(jobId) {
    var li = state.nodes.get(state.statusByJob.get(jobId));
    if (!li) return false;
    state.follow = false;
    li.scrollIntoView({ block: 'start', behavior: 'smooth' });
    li.classList.remove('flash'); void li.offsetWidth; li.classList.add('flash');
    return true;
  }

  // ---------- /jobs and /job: answers only this person sees, at the bottom of the feed ----------
  function ephemeral(children) {
    var close = h('button', { type: 'button', class: 'link-button dismiss', text: 'Dismiss' });
    var li = h('li', { class: 'msg ephemeral' }, [avatar(), h('div', { class: 'msg-body' }, [
      h('div', { class: 'msg-head' }, [h('span', { class: 'author', text: 'stembot' }), h('span', { class: 'bot-tag', text: 'BOT' }),
        h('span', { class: 'only-you', text: 'Only you can see this' }), close])
    ].concat(children))]);
    close.addEventListener('click', function () { li.remove(); $('empty').hidden = $('messages').children.length > 0; });
    $('messages').append(li);
    $('empty').hidden = true;
    scrollToBottom();
    return li;
  }
  function stateBadge(s) { return h('span', { class: 'badge', 'data-state': s, text: s }); }
  function goButton(job) {
    if (!job.statusMessageId || !state.nodes.has(job.statusMessageId)) return null;
    var b = h('button', { type: 'button', class: 'btn', text: 'Go to thread' });
    b.addEventListener('click', function () { goToJob(job.id); });
    return b;
  }
  function jobsReply(jobs) {
    if (jobs.length === 0) return ephemeral([h('p', { class: 'text', text: 'You have no jobs yet. Start one with /separate.' })]);
    return ephemeral([h('p', { class: 'text', text: 'Your recent jobs:' }), h('ul', { class: 'job-list' }, jobs.map(function (j) {
      var show = h('button', { type: 'button', class: 'btn', text: 'Details' });
      show.addEventListener('click', function () { showJob(j.id); });
      return h('li', { class: 'job-row', 'data-job': j.id }, [
        h('div', { class: 'job-line' }, [h('code', { text: j.id }), ' ', h('strong', { text: j.title }), ' · ', h('span', { class: 'input-name', text: j.inputName }), ' ', stateBadge(j.state)]),
        h('div', { class: 'job-stage', text: stageText(j.stageLine) }),
        h('div', { class: 'actions' }, [show, goButton(j)])
      ]);
    }))]);
  }
  function jobReply(job) {
    var errorLine = h('p', { class: 'inline-error', role: 'alert', hidden: true });
    var okLine = h('p', { class: 'inline-ok', role: 'status', hidden: true });
    var again = null;
    if (job.canDeliverAgain) {
      again = h('button', { type: 'button', class: 'btn', text: 'Deliver again' });
      again.addEventListener('click', function () {
        again.disabled = true; errorLine.hidden = true;
        api('POST', '/playground/api/actions', { action: { id: 'redeliver', label: 'Deliver again', jobId: job.id } }).then(function (r) {
          again.disabled = false;
          if (r.ok) { okLine.textContent = 'Delivering again — the files will arrive at the bottom of the channel.'; okLine.hidden = false; state.follow = true; return; }
          if (r.status !== 401) { errorLine.textContent = r.data.message || 'That did not work.'; errorLine.hidden = false; }
        }, function () { again.disabled = false; errorLine.textContent = 'stembot could not be reached.'; errorLine.hidden = false; });
      });
    }
    return ephemeral([h('div', { class: 'job-detail', 'data-job': job.id }, [
      h('div', { class: 'job-line' }, [h('code', { text: job.id }), ' ', h('strong', { text: job.title }), ' ', stateBadge(job.state)]),
      h('div', { class: 'card-meta' }, ['Input: ', h('span', { class: 'input-name', text: job.inputName }), ' · started ' + formatTime(job.createdAt)]),
      h('div', { class: 'job-stage', text: stageText(job.stageLine) }),
      job.failure ? h('p', { class: 'job-failure', text: job.failure }) : null,
      h('div', { class: 'actions' }, [again, goButton(job)]),
      okLine, errorLine
    ])]);
  }
  function showJob(id) {
    return api('GET', '/playground/api/jobs/' + encodeURIComponent(id)).then(function (r) {
      if (r.ok) { jobReply(r.data.job); return true; }
      if (r.status !== 401) showError(r.data.message || 'That job could not be shown.');
      return false;
    });
  }

  // A notice that mentions the requester is a failure notice when its job failed (or has no card to say).
  function markNotices(jobId) {
    var statusId = state.statusByJob.get(jobId);
    var status = statusId && state.messages.get(statusId);
    var failed = !status || status.status.state === 'failed';
    document.querySelectorAll('.notice[data-job="' + CSS.escape(jobId) + '"]').forEach(function (n) {
      n.classList.toggle('failure', failed);
    });
  }
  function upsert(m) {
    var known = state.messages.get(m.id);
    if (known && known.rev >= m.rev) return; // an older snapshot than what an event already showed
    var stick = state.follow || nearBottom();
    state.messages.set(m.id, m);
    if (m.kind === 'status') renderStatus(m); else renderMessage(m);
    $('empty').hidden = $('messages').children.length > 0;
    if (stick) scrollToBottom();
    if (!known && m.kind === 'status') state.follow = false;
  }
  // Keep the newest message in view when the window (or the composer) changes size, as chat apps do.
  var wasAtBottom = true;
  $('feed').addEventListener('scroll', function () { wasAtBottom = nearBottom(); });
  new ResizeObserver(function () { if (wasAtBottom) scrollToBottom(); }).observe($('feed'));
  setInterval(function () {
    state.statusByJob.forEach(function (id) {
      var m = state.messages.get(id), li = state.nodes.get(id);
      if (m && li && !isTerminal(m.status)) li.querySelector('.elapsed').textContent = formatElapsed(elapsedOf(m));
    });
  }, 1000);

  // ---------- live channel ----------
  function loadAll() {
    return api('GET', '/playground/api/messages').then(function (r) {
      if (!r.ok) return;
      state.clockOffsetMs = r.data.serverNow - Date.now();
      r.data.messages.forEach(upsert);
    });
  }
  function connect() {
    if (state.events) state.events.close();
    setConn('connecting', 'connecting…');
    var es = new EventSource('/playground/api/events');
    state.events = es;
    es.onopen = function () { setConn('live', 'live'); loadAll(); };
    es.onmessage = function (e) {
      try { upsert(JSON.parse(e.data).message); } catch (err) { /* a malformed event changes nothing */ }
    };
    es.onerror = function () {
      setConn('down', 'reconnecting…');
      // EventSource retries by itself unless the server answered with an error (e.g. 401): then ask why.
      if (es.readyState === EventSource.CLOSED) { clearTimeout(state.retry); state.retry = setTimeout(boot, 3000); }
    };
  }

  // ---------- composer ----------
  function sourceValue() { return form.elements.source.value; }
  function applyVisibility() {
    var cmd = state.command, source = sourceValue(), mode = form.elements.mode.value;
    form.querySelectorAll('[data-for]').forEach(function (el) { el.hidden = el.dataset.for.split(' ').indexOf(cmd) < 0; });
    form.querySelectorAll('[data-source]').forEach(function (el) { el.hidden = el.dataset.source !== source; });
    form.querySelectorAll('[data-mode]').forEach(function (el) { el.hidden = el.dataset.mode !== mode; });
  }
  function setCommand(cmd) {
    state.command = cmd;
    form.querySelectorAll('.tab').forEach(function (t) { t.setAttribute('aria-selected', String(t.dataset.command === cmd)); });
    if (cmd !== 'separate' && sourceValue() === 'track') form.elements.source.value = 'url';
    $('send').textContent = (cmd === 'jobs' || cmd === 'job' ? 'Show /' : 'Send /') + cmd;
    setCollapsed(false);
    showError(''); showOk(''); // a note about the previous command would mislead under this one
    applyVisibility();
  }
  function showError(text) { $('composer-ok').hidden = true; $('composer-error').textContent = text; $('composer-error').hidden = !text; }
  function showOk(text) { $('composer-error').hidden = true; $('composer-ok').textContent = text; $('composer-ok').hidden = !text; }
  function collect() {
    var data = new FormData();
    data.append('command', state.command);
    var file = null;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === 'source' || el.closest('[hidden]')) return;
      if (el.type === 'file') { if (el.files.length) file = el.files[0]; return; }
      if (el.value.trim() !== '') data.append(el.name, el.value.trim());
    });
    if (file) data.append('audio', file, file.name);
    return { data: data, file: file };
  }
  function post(data, hasFile) {
    return new Promise(function (resolve) {
      var xhr = new XMLHttpRequest();
      xhr.open('POST', '/playground/api/commands');
      xhr.responseType = 'json';
      if (hasFile) xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) showOk('Uploading… ' + Math.round((e.loaded / e.total) * 100) + '%');
      };
      xhr.onload = function () { resolve({ status: xhr.status, data: xhr.response || {} }); };
      xhr.onerror = function () { resolve({ status: 0, data: { message: 'stembot could not be reached. Check the connection and try again.' } }); };
      xhr.send(data);
    });
  }
  function setCollapsed(collapsed) {
    form.classList.toggle('collapsed', collapsed);
    $('collapse').setAttribute('aria-expanded', String(!collapsed));
    $('collapse').textContent = collapsed ? 'Show ▴' : 'Hide ▾';
  }
  $('collapse').addEventListener('click', function () { setCollapsed(!form.classList.contains('collapsed')); });
  var narrow = window.matchMedia('(max-width: 560px)');
  function lookup() {
    var done = function () { state.sending = false; updateSend(); };
    state.sending = true; updateSend(); showOk('');
    if (state.command === 'jobs') {
      return api('GET', '/playground/api/jobs').then(function (r) {
        done();
        if (r.ok) jobsReply(r.data.jobs); else if (r.status !== 401) showError(r.data.message || 'Your jobs could not be listed.');
      }, function () { done(); showError('stembot could not be reached. Check the connection and try again.'); });
    }
    var id = form.elements.job_id.value.trim();
    if (!id) { done(); showError('/job needs id: the id of one of your jobs (/jobs lists them).'); return; }
    return showJob(id).then(function (shown) { done(); if (shown) showError(''); }, function () { done(); showError('stembot could not be reached. Check the connection and try again.'); });
  }
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    if (!state.live || state.sending) return;
    if (state.command === 'jobs' || state.command === 'job') { lookup(); return; }
    var c = collect();
    if (c.file && state.maxUploadBytes && c.file.size > state.maxUploadBytes) {
      showError('That file is larger than stembot accepts (' + formatBytes(state.maxUploadBytes) + '). Trim or compress it and try again.');
      return;
    }
    state.sending = true; updateSend(); showOk(c.file ? 'Uploading…' : 'Sending…');
    post(c.data, Boolean(c.file)).then(function (r) {
      state.sending = false; updateSend();
      if (r.status === 202) {
        showOk(r.data.message || 'Sent — follow it in the status card above.');
        ['audio', 'url', 'task_id', 'audio_id'].forEach(function (n) { form.elements[n].value = ''; });
        state.follow = true;
        // On a phone the composer folds away so the status card has the screen.
        if (narrow.matches) setCollapsed(true);
      } else if (r.status === 401) { showOk(''); showLogin(); }
      else showError(r.data.message || 'stembot refused that (HTTP ' + r.status + ').');
    });
  });
  form.querySelectorAll('.tab').forEach(function (t) { t.addEventListener('click', function () { setCommand(t.dataset.command); }); });
  form.addEventListener('change', function (e) { if (e.target.name === 'source' || e.target.name === 'mode') applyVisibility(); });
  form.querySelectorAll('.chip').forEach(function (chip) {
    chip.addEventListener('click', function () {
      form.elements.source.value = 'url';
      applyVisibility();
      var url = form.elements.url.value.trim().split('#')[0] || 'https://example.com/demo-song.mp3';
      form.elements.url.value = url + '#sim=' + chip.dataset.sim;
      form.elements.url.focus();
    });
  });

  // ---------- session ----------
  function showLogin() {
    if (state.events) { state.events.close(); state.events = null; }
    $('app').hidden = true; $('login').hidden = false;
    $('login-form').elements.password.focus();
  }
  function start() {
    $('login').hidden = true; $('app').hidden = false;
    connect();
  }
  function boot() {
    api('GET', '/playground/api/session').then(function (r) {
      state.maxUploadBytes = r.data.maxUploadBytes || 0;
      $('tricks').hidden = r.data.demo === false;
      $('logout').hidden = !r.data.authRequired;
      if (r.data.authRequired && !r.data.authenticated) showLogin(); else start();
    }, function () {
      $('app').hidden = false; setConn('down', 'offline');
      clearTimeout(state.retry); state.retry = setTimeout(boot, 3000);
    });
  }
  $('login-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var f = e.target;
    api('POST', '/playground/api/login', { password: f.elements.password.value }).then(function (r) {
      if (r.ok) { f.reset(); $('login-error').hidden = true; start(); return; }
      $('login-error').textContent = r.data.message || 'That did not work.';
      $('login-error').hidden = false;
    });
  });
  $('logout').addEventListener('click', function () { api('POST', '/playground/api/logout').then(showLogin); });
  $('credits').addEventListener('click', function () {
    api('GET', '/playground/api/credits').then(function (r) {
      if (r.ok) showOk(r.data.text); else if (r.status === 401) showLogin(); else showError(r.data.message || 'Could not read the credits.');
    });
  });

  applyVisibility();
  boot();
})();
`;

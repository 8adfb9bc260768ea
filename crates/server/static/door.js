// Tessera door: a kiosk page for a tablet or a turnstile's screen.
// Online, every pass goes to the server (which knows everything: sends,
// resets, cancellations). When the server cannot be reached, the page
// checks the pass's Ed25519 signature with the published keys and what the
// pass itself says (premises, start, expiry, validated), shows that it is
// offline, queues the check, and uploads the queue once it can.
(() => {
  'use strict';
  const $ = (sel) => document.querySelector(sel);
  const body = document.body;
  const csrf = body.dataset.csrf || '';
  const lang = body.dataset.lang || 'ru';
  const reasons = JSON.parse(body.dataset.reasons || '{}');
  const K = { premises: 'tessera.door.premises', keys: 'tessera.door.keys', queue: 'tessera.door.queue', last: 'tessera.door.last' };
  const load = (k, d) => { try { const v = JSON.parse(localStorage.getItem(k)); return v === null ? d : v; } catch (e) { return d; } };
  const save = (k, v) => localStorage.setItem(k, JSON.stringify(v));

  // ---- the server ------------------------------------------------------------
  async function api(method, url, data) {
    const headers = { 'Accept': 'application/json', 'Accept-Language': lang, 'X-CSRF-Token': csrf };
    if (data !== undefined) headers['Content-Type'] = 'application/json';
    let res;
    try {
      const ctl = new AbortController();
      const timer = setTimeout(() => ctl.abort(), 4000);
      res = await fetch(url, { method, headers, credentials: 'same-origin', body: data === undefined ? undefined : JSON.stringify(data), signal: ctl.signal });
      clearTimeout(timer);
    } catch (e) {
      return { ok: false, status: 0, data: null };
    }
    let json = null;
    try { json = await res.json(); } catch (e) { json = null; }
    if (res.status === 401) location.href = '/login?next=/door';
    return { ok: res.ok, status: res.status, data: json };
  }
  // A proxy that cannot reach the server answers 502–504: offline too.
  const unreachable = (r) => r.status === 0 || r.status === 502 || r.status === 503 || r.status === 504;

  const link = $('#door-link');
  let online = true;
  function setOnline(on) {
    online = on;
    link.textContent = on ? link.dataset.online : link.dataset.offline;
    link.classList.toggle('offline', !on);
    body.classList.toggle('is-offline', !on);
  }

  // ---- premises, picked once -----------------------------------------------
  const setup = $('#door-setup');
  const scan = $('#door-scan');
  const input = $('#door-token');
  function showSetup() { setup.hidden = false; scan.hidden = true; $('#door-premises-name').textContent = ''; }
  function showScan() {
    const p = load(K.premises, null);
    if (!p) return showSetup();
    setup.hidden = true; scan.hidden = false;
    $('#door-premises-name').textContent = p.name;
    input.focus();
  }
  $('#door-start').addEventListener('click', () => {
    const sel = $('#door-premises');
    if (!sel.value) return;
    save(K.premises, { id: Number(sel.value), name: sel.selectedOptions[0].textContent.trim() });
    showScan();
  });
  $('#door-change').addEventListener('click', showSetup);

  // ---- keys, for deciding offline --------------------------------------------
  async function refreshKeys() {
    const r = await api('GET', '/api/v1/access/keys');
    if (r.ok && r.data && Array.isArray(r.data.keys)) save(K.keys, r.data.keys);
    setOnline(!unreachable(r));
  }
  const fromB64url = (s) => {
    const b = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4));
    return Uint8Array.from(b, (c) => c.charCodeAt(0));
  };
  const refused = (reason, ticket) => ({ allowed: false, reason, ticket });
  // What a door can know without the server: the pass's own claims.
  async function decideOffline(token, premisesId, direction) {
    const keys = load(K.keys, []);
    if (!keys.length) return { ...refused('unknown_pass', null), noKeys: true };
    const t = token.trim();
    const dot = t.lastIndexOf('.');
    if (dot < 0) return refused('unknown_pass', null);
    const signed = t.slice(0, dot);
    const parts = signed.split('.');
    if (parts.length !== 8 || parts[0] !== 'P2') return refused('unknown_pass', null);
    const [, kid, ticket, , premises, notBefore, expires, validated] = parts;
    const jwk = keys.find((k) => k.kid === kid);
    if (!jwk) return refused('unknown_pass', null);
    let genuine = false;
    try {
      const key = await crypto.subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, { name: 'Ed25519' }, false, ['verify']);
      genuine = await crypto.subtle.verify({ name: 'Ed25519' }, key, fromB64url(t.slice(dot + 1)), new TextEncoder().encode(signed));
    } catch (e) { genuine = false; }
    if (!genuine) return refused('unknown_pass', null);
    const number = Number(ticket);
    const now = Date.now() / 1000;
    if (Number(premises) !== premisesId) return refused('wrong_premises', number);
    if (direction === 'out') return { allowed: true, reason: 'allowed', ticket: number };
    if (now < Number(notBefore)) return refused('not_started', number);
    if (now >= Number(expires)) return refused('expired', number);
    if (validated !== '1') return refused('not_validated', number);
    return { allowed: true, reason: 'allowed', ticket: number };
  }

  // ---- the queue of offline checks ---------------------------------------------
  const queueNote = $('#door-queue');
  function showQueue() {
    const q = load(K.queue, []);
    queueNote.hidden = q.length === 0;
    queueNote.textContent = queueNote.dataset.label + ': ' + q.length;
  }
  let uploading = false;
  async function upload() {
    const q = load(K.queue, []);
    if (uploading || !q.length) return;
    uploading = true;
    const batch = q.slice(0, 5000);
    const r = await api('POST', '/api/v1/access/checks', { checks: batch });
    uploading = false;
    if (unreachable(r)) return setOnline(false);
    setOnline(true);
    let done = new Set(batch.map((c) => c.id));
    if (r.status === 422 && r.data && Array.isArray(r.data.errors)) {
      // A check the server cannot take is dropped, said on its line of the
      // last checks (so the door's keeper sees it), and the rest retried.
      const why = new Map();
      r.data.errors.forEach((e) => {
        const i = Number((/^checks\[(\d+)\]/.exec(e.field || '') || [])[1]);
        if (!Number.isNaN(i) && batch[i] && !why.has(batch[i].id)) why.set(batch[i].id, e.message);
      });
      done = new Set(why.keys());
      const last = load(K.last, []);
      last.forEach((c) => { if (why.has(c.id)) c.notRecorded = why.get(c.id); });
      save(K.last, last);
      drawLast();
      if (!why.size) return;
    } else if (!r.ok) {
      return;
    }
    save(K.queue, load(K.queue, []).filter((c) => !done.has(c.id)));
    showQueue();
    if (r.ok || r.status === 422) upload();
  }

  // ---- checking a pass ---------------------------------------------------------
  const verdictBox = $('#door-verdict');
  let hideTimer;
  function show(v) {
    clearTimeout(hideTimer);
    verdictBox.classList.toggle('allowed', v.allowed);
    verdictBox.classList.toggle('refused', !v.allowed);
    $('#door-verdict-word').textContent = v.allowed ? '✓' : '✕';
    $('#door-verdict-reason').textContent = v.text;
    $('#door-verdict-ticket').textContent = (v.ticket ? body.dataset.ticketWord + ' ' + v.ticket : '') + (v.offline ? ' · ' + body.dataset.offlineTag : '');
    verdictBox.hidden = false;
    hideTimer = setTimeout(() => { verdictBox.hidden = true; input.focus(); }, 2500);
  }
  function remember(v, direction) {
    const last = load(K.last, []);
    last.unshift({ id: v.id, at: new Date().toISOString(), ticket: v.ticket, allowed: v.allowed, text: v.text, offline: !!v.offline, direction });
    save(K.last, last.slice(0, 10));
    drawLast();
  }
  function drawLast() {
    const list = $('#door-last');
    const last = load(K.last, []);
    list.replaceChildren();
    if (!last.length) {
      const li = document.createElement('li');
      li.className = 'muted';
      li.textContent = list.dataset.empty;
      list.append(li);
      return;
    }
    last.forEach((c) => {
      const li = document.createElement('li');
      li.className = c.allowed ? 'allowed' : 'refused';
      const time = new Date(c.at).toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' });
      const dir = c.direction === 'out' ? body.dataset.outWord : body.dataset.inWord;
      li.textContent = [time, dir, c.ticket ? body.dataset.ticketWord + ' ' + c.ticket : '—', c.text].join(' · ') + (c.offline ? ' · ' + body.dataset.offlineTag : '');
      if (c.notRecorded) {
        const why = document.createElement('span');
        why.className = 'door-not-recorded';
        why.textContent = body.dataset.notRecorded + ': ' + c.notRecorded;
        li.append(document.createElement('br'), why);
      }
      list.append(li);
    });
  }
  let busy = false;
  async function check(token) {
    const p = load(K.premises, null);
    if (!p || !token.trim() || busy) return;
    busy = true;
    const direction = (document.querySelector('input[name=direction]:checked') || {}).value || 'in';
    const r = await api('POST', '/api/v1/access/check', { token: token.trim(), premises_id: p.id, direction });
    let v;
    if (unreachable(r)) {
      setOnline(false);
      v = await decideOffline(token, p.id, direction);
      v.offline = true;
      v.text = v.noKeys ? body.dataset.noKeys : (reasons[v.reason] || v.reason);
      const q = load(K.queue, []);
      v.id = crypto.randomUUID();
      q.push({ id: v.id, token: token.trim(), premises_id: p.id, at: new Date().toISOString(), direction, allowed: v.allowed, reason: v.reason });
      save(K.queue, q);
      showQueue();
    } else if (r.ok && r.data) {
      setOnline(true);
      v = { allowed: r.data.allowed, reason: r.data.reason, text: r.data.reason_text, ticket: r.data.ticket_number };
      upload();
    } else {
      setOnline(true);
      v = { allowed: false, reason: 'error', text: (r.data && (r.data.errors && r.data.errors[0] ? r.data.errors[0].message : r.data.detail)) || '—', ticket: null };
    }
    busy = false;
    show(v);
    remember(v, direction);
  }
  $('#door-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const token = input.value;
    input.value = '';
    check(token);
  });
  // A USB scanner types into whatever has focus: keep it on the field.
  document.addEventListener('click', (ev) => {
    if (!scan.hidden && !ev.target.closest('button, input, label, select, a')) input.focus();
  });

  // ---- the camera ----------------------------------------------------------------
  // The browser's BarcodeDetector where it reads QR codes (Android, macOS,
  // ChromeOS), else jsQR from the binary, loaded only when the camera starts.
  const cameraButton = $('#door-camera');
  const cameraFailed = $('#door-camera-failed');
  const video = $('#door-video');
  let stream = null;
  function loadScript(src) {
    return new Promise((ok, fail) => {
      const s = document.createElement('script');
      s.src = src; s.onload = ok; s.onerror = fail;
      document.head.append(s);
    });
  }
  async function qrReader() {
    if ('BarcodeDetector' in window) {
      try {
        if ((await window.BarcodeDetector.getSupportedFormats()).includes('qr_code')) {
          const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
          return async () => { const codes = await detector.detect(video); return codes.length ? codes[0].rawValue : ''; };
        }
      } catch (e) { /* fall back to jsQR */ }
    }
    if (!window.jsQR) await loadScript(body.dataset.qrDecoder);
    const canvas = document.createElement('canvas');
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    return async () => {
      const w = video.videoWidth, h = video.videoHeight;
      if (!w || !h) return '';
      // A pass fills much of the frame: 640 px is plenty and keeps a frame fast.
      const scale = Math.min(1, 640 / Math.max(w, h));
      canvas.width = Math.round(w * scale); canvas.height = Math.round(h * scale);
      ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
      const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
      const code = window.jsQR(img.data, img.width, img.height, { inversionAttempts: 'dontInvert' });
      return code ? code.data : '';
    };
  }
  function stopCamera() {
    if (stream) stream.getTracks().forEach((t) => t.stop());
    stream = null;
    video.hidden = true;
    video.srcObject = null;
    cameraButton.textContent = cameraButton.dataset.start;
    cameraButton.setAttribute('aria-pressed', 'false');
  }
  async function startCamera() {
    cameraFailed.hidden = true;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
      video.srcObject = stream;
      video.hidden = false;
      await video.play();
      const read = await qrReader();
      cameraButton.textContent = cameraButton.dataset.stop;
      cameraButton.setAttribute('aria-pressed', 'true');
      let lastToken = '', lastAt = 0;
      const tick = async () => {
        if (!stream) return;
        // While an answer is on screen the visitor is still in front: wait.
        if (verdictBox.hidden && !busy) {
          try {
            const raw = await read();
            // The same pass held up is read once, not every frame.
            if (raw && (raw !== lastToken || Date.now() - lastAt > 4000)) { lastToken = raw; lastAt = Date.now(); check(raw); }
          } catch (e) { /* the next frame */ }
        }
        setTimeout(tick, 200);
      };
      tick();
    } catch (e) {
      stopCamera();
      cameraFailed.hidden = false;
    }
  }
  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    cameraButton.hidden = false;
    cameraButton.addEventListener('click', () => (stream ? stopCamera() : startCamera()));
  }

  setOnline(navigator.onLine !== false);
  showScan();
  drawLast();
  showQueue();
  refreshKeys().then(upload);
  setInterval(upload, 5000);
  setInterval(refreshKeys, 5 * 60 * 1000);
  window.addEventListener('online', () => { refreshKeys().then(upload); });
})();

// Tessera admin: small progressive enhancement over server-rendered pages.
// Every change goes to the JSON API with the session cookie and the page's
// CSRF token; errors come back as problem+json in the page's language and
// are shown next to the field that caused them.
(() => {
  'use strict';
  const body = document.body;
  const csrf = body.dataset.csrf || '';
  const lang = body.dataset.lang || 'ru';
  document.documentElement.classList.add('js');

  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
  const Kit = window.Kit;
  const words = Kit.words;
  const debounce = (fn, ms) => {
    let t;
    return (...args) => { clearTimeout(t); t = setTimeout(() => fn(...args), ms); };
  };

  async function api(method, url, data, opts = {}) {
    const headers = { 'Accept': 'application/json', 'Accept-Language': lang, 'X-CSRF-Token': csrf };
    if (data !== undefined) headers['Content-Type'] = 'application/json';
    if (opts.ifMatch) headers['If-Match'] = '"' + opts.ifMatch + '"';
    let res;
    try {
      res = await fetch(url, { method, headers, credentials: 'same-origin', body: data === undefined ? undefined : JSON.stringify(data) });
    } catch (e) {
      return { ok: false, status: 0, data: { detail: words.offline } };
    }
    let json = null;
    if ((res.headers.get('content-type') || '').includes('json')) {
      try { json = await res.json(); } catch (e) { json = null; }
    }
    if (res.status === 401) { location.href = '/login?next=' + encodeURIComponent(location.pathname + location.search); }
    return { ok: res.ok, status: res.status, data: json };
  }

  const eventVersion = () => { const e = $('#event'); return e ? e.dataset.version : undefined; };
  // Somebody else changed the event: reload it and say why.
  const reloadStale = () => { sessionStorage.setItem('tessera-stale', words.stale || ''); location.reload(); };
  const stale = sessionStorage.getItem('tessera-stale');
  if (stale) {
    sessionStorage.removeItem('tessera-stale');
    const slot = $('#page-error');
    if (slot) { slot.textContent = stale; slot.hidden = false; } else window.Kit.toast(stale, 'error');
  }

  // ---- errors (kit.js: at their fields, once, a summary linking to them) ---
  const { clearErrors, showProblem } = Kit;

  // A row's name on the page (an activity's, a charge's, a folio's).
  const nameOf = (attr, id) => { const r = document.querySelector('[' + attr + '="' + id + '"]'); return r ? r.dataset.name : ''; };

  function flashAndReload(text) {
    window.Kit.later(text);
    location.reload();
  }

  // ---- bodies from forms ----------------------------------------------------
  function setPath(obj, path, value, isList) {
    const parts = path.split('.');
    let cur = obj;
    for (let i = 0; i < parts.length - 1; i++) {
      const key = parts[i];
      const nextIsIndex = /^\d+$/.test(parts[i + 1]) && key === 'items';
      if (cur[key] === undefined) cur[key] = nextIsIndex ? [] : {};
      cur = cur[key];
    }
    const last = parts[parts.length - 1];
    if (isList) { (cur[last] = cur[last] || []).push(value); } else { cur[last] = value; }
  }

  function formBody(form) {
    const out = {};
    $$('[name]', form).forEach((el) => {
      if (el.disabled || el.dataset.skip !== undefined || el.closest('fieldset[disabled]')) return;
      if ((el.type === 'radio' || el.type === 'checkbox') && !el.checked) return;
      if (el.type === 'search') return;
      let value = el.value;
      // A cleared optional field (a phone) is sent as null: it removes the value.
      if (value === '' && el.dataset.nullable !== undefined) { setPath(out, el.name, null, false); return; }
      // A required field left empty is sent empty, so that every such field is named at once.
      if (value === '' && el.dataset.sendEmpty !== undefined) { setPath(out, el.name, '', false); return; }
      if (value === '') return;
      if (el.dataset.type === 'int') {
        const n = Number(value);
        value = Number.isFinite(n) && /^-?\d+$/.test(value.trim()) ? n : value;
      }
      setPath(out, el.name, value, el.dataset.list !== undefined);
    });
    return out;
  }

  function fillUrl(template, form) {
    return template.replace(/\{([^}]+)\}/g, (_, name) => {
      const el = form && form.elements.namedItem(name);
      return el ? encodeURIComponent(el.value) : '';
    });
  }

  function pick(obj, path) {
    return path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);
  }

  // ---- previews -------------------------------------------------------------
  // The plan's words come from the event page; its dates in the page's format.
  const planWords = $('#words') ? $('#words').dataset : {};
  const day = window.Kit.formatDay;

  function renderPlan(form, plan) {
    const box = $('.preview', form);
    const list = $('ul', box);
    list.innerHTML = '';
    const line = (text, cancelled) => {
      const li = document.createElement('li');
      li.textContent = text;
      if (cancelled) { li.classList.add('cancel'); li.textContent += ' — ' + (planWords.cancelled || ''); }
      list.appendChild(li);
    };
    const currentPax = $('#event-pax') ? $('#event-pax').textContent.trim() : '';
    if (plan.pax !== undefined && String(plan.pax) !== currentPax) line((planWords.pax || 'PAX') + ': ' + currentPax + ' → ' + plan.pax);
    // The period, when it changes, with the page's own dash (13.12.2022 - 14.12.2022).
    const ev = $('#event');
    const samePeriod = ev && plan.start_date === ev.dataset.start && plan.end_date === ev.dataset.end;
    if (plan.start_date && plan.end_date && !samePeriod) line((planWords.period || '') + ': ' + day(plan.start_date) + ' - ' + day(plan.end_date));
    (plan.activities || []).forEach((a) => {
      const bits = [];
      if (a.date_before && a.date_before !== a.date_after) bits.push(day(a.date_before) + ' → ' + day(a.date_after));
      if (a.pax_before !== undefined && a.pax_before !== a.pax_after) bits.push('PAX ' + a.pax_before + ' → ' + a.pax_after);
      line(nameOf('data-activity', a.id) + (bits.length ? ': ' + bits.join('; ') : ''), a.status_after === 'cancelled');
    });
    (plan.charges || []).forEach((c) => {
      const bits = [];
      if (c.service_date_before && c.service_date_before !== c.service_date_after) bits.push(day(c.service_date_before) + ' → ' + day(c.service_date_after));
      if (c.quantity_before !== undefined && c.quantity_before !== c.quantity_after) bits.push(c.quantity_before + ' → ' + c.quantity_after);
      line(nameOf('data-charge', c.id) + (bits.length ? ': ' + bits.join('; ') : ''), c.status_after === 'cancelled');
    });
    // Closed-folio charges stay exactly as they are; the manager sees which.
    (plan.kept || []).forEach((k) => {
      const li = document.createElement('li');
      li.classList.add('kept');
      li.textContent = nameOf('data-charge', k.id) + ' — ' + (planWords.kept || '').replace('{folio}', nameOf('data-folio', k.folio_id));
      list.appendChild(li);
    });
    if (!list.children.length) line(planWords.nothing || '—');
    box.hidden = false;
  }

  // ---- API forms ------------------------------------------------------------
  // A form names its call (data-api "VERB /path/{field}"); on success it goes
  // to data-then, says data-done, reveals a secret once, or reloads with a
  // toast (data-toast, else "saved").
  const busy = (button, on) => { if (button) { button.disabled = on; if (on) button.setAttribute('aria-busy', 'true'); else button.removeAttribute('aria-busy'); } };
  $$('form[data-api]').forEach((form) => {
    const [method, urlTemplate] = form.dataset.api.split(' ');
    const submit = $('button[type=submit]', form);
    const general = $('.form-error', form);
    const needsPreview = form.dataset.preview !== undefined;
    const invalidatePreview = () => {
      if (!needsPreview) return;
      submit.disabled = true;
      const box = $('.preview', form);
      if (box) box.hidden = true;
    };
    form.addEventListener('input', invalidatePreview);
    form.addEventListener('change', invalidatePreview);

    // What is not a date or a time is said at its field; nothing is sent.
    const refuseBadInput = () => {
      const bad = Kit.badInputs(form);
      if (!bad.length) return false;
      showProblem(form, general, { errors: bad });
      return true;
    };

    const send = async (dryRun) => {
      clearErrors(form);
      const data = formBody(form);
      let url = fillUrl(urlTemplate, form);
      let verb = method;
      if (dryRun && form.dataset.previewUrl) { url = fillUrl(form.dataset.previewUrl, form); verb = 'POST'; }
      else if (needsPreview && !form.dataset.previewUrl) { data.dry_run = dryRun; }
      const opts = form.dataset.ifMatch !== undefined ? { ifMatch: eventVersion() } : {};
      return [await api(verb, url, data, opts), data];
    };

    const previewButton = $('[data-do-preview]', form);
    if (previewButton) {
      previewButton.addEventListener('click', async () => {
        clearErrors(form);
        if (refuseBadInput()) return;
        busy(previewButton, true);
        const [res] = await send(true);
        busy(previewButton, false);
        if (res.status === 412) return reloadStale();
        if (!res.ok) return showProblem(form, general, res.data);
        renderPlan(form, res.data || {});
        submit.disabled = false;
        submit.focus();
      });
    }

    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      if (refuseBadInput()) return;
      busy(submit, true);
      const [res] = await send(false);
      busy(submit, false);
      if (submit) submit.disabled = needsPreview;
      if (res.status === 412) return reloadStale();
      if (!res.ok) return showProblem(form, general, res.data);
      const then = form.dataset.then;
      // Signing up: the API answers a session token; the pages keep it in their cookie.
      if (form.dataset.session !== undefined && res.data && res.data.token) {
        await fetch('/session', { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token: res.data.token }) });
      }
      if (form.dataset.reveal) {
        // Shown once (a webhook's secret): the answer stays on screen until
        // the user says they have it.
        const box = $('.reveal', form);
        let value = pick(res.data, form.dataset.reveal) ?? '';
        const done = $('a', box);
        if (form.dataset.revealUrl) {
          // A calendar feed's address: the key in its place, the form's
          // other values (the hall) in theirs.
          const path = fillUrl(form.dataset.revealUrl.replace('{' + form.dataset.reveal + '}', encodeURIComponent(value)), form);
          value = location.origin + path;
          if (done) done.href = value.replace(/^https?:/, 'webcal:');
        } else if (then && done) {
          done.href = then.replace(/\{([^}]+)\}/g, (_, p) => encodeURIComponent(pick(res.data, p) ?? ''));
        }
        $('code', box).textContent = value;
        const fields = $('.fields', form);
        if (fields) fields.hidden = true;
        box.hidden = false;
        if (done) done.focus();
      } else if (form.dataset.done) {
        // Stays on the page: says so, and forgets the passwords typed.
        let done = $('.form-done', form);
        if (!done) { done = document.createElement('p'); done.className = 'form-done'; done.setAttribute('role', 'status'); form.prepend(done); }
        done.textContent = form.dataset.done;
        done.hidden = false;
        $$('input[type=password]', form).forEach((i) => { i.value = ''; });
      } else if (then) {
        Kit.later(form.dataset.toast || words.saved);
        location.href = then.replace(/\{([^}]+)\}/g, (_, p) => encodeURIComponent(pick(res.data, p) ?? ''));
      } else {
        flashAndReload(form.dataset.toast || words.saved);
      }
    });
  });

  // ---- one-click actions ----------------------------------------------------
  // data-confirm asks first, in the page's own dialog (never confirm()).
  $$('button[data-api]').forEach((button) => {
    button.addEventListener('click', async () => {
      if (button.dataset.confirm) {
        const ok = await Kit.confirm({ text: button.dataset.confirm, ok: button.dataset.confirmOk || button.textContent.trim(), danger: button.classList.contains('danger') || button.classList.contains('danger-outline') || button.classList.contains('danger-text') });
        if (!ok) return;
      }
      const [method, url] = button.dataset.api.split(' ');
      const slot = document.getElementById(button.dataset.error || 'page-error');
      if (slot) { slot.hidden = true; slot.textContent = ''; }
      busy(button, true);
      const opts = button.dataset.ifMatch !== undefined ? { ifMatch: eventVersion() } : {};
      const res = await api(method, url, button.dataset.body ? JSON.parse(button.dataset.body) : undefined, opts);
      busy(button, false);
      if (res.status === 412) return reloadStale();
      if (!res.ok) {
        if (slot) return showProblem(null, slot, res.data);
        return Kit.toast((res.data && (res.data.detail || res.data.title)) || words.failed, 'error');
      }
      const said = button.dataset.done && document.getElementById('page-done');
      if (said) { said.textContent = button.dataset.done; said.hidden = false; return; }
      if (button.dataset.done) { Kit.toast(button.dataset.done); return; }
      flashAndReload(button.dataset.toast || words.saved);
    });
  });

  // ---- "every type" boxes --------------------------------------------------
  // Ticking "every" stands for all the others: they are greyed and not sent.
  $$('input[data-every]').forEach((every) => {
    const others = () => $$('input[type=checkbox]', every.closest('fieldset')).filter((c) => c !== every);
    every.addEventListener('change', () => others().forEach((c) => { c.disabled = every.checked; }));
  });

  // ---- printing ---------------------------------------------------------------
  $$('[data-print]').forEach((b) => b.addEventListener('click', () => window.print()));

  // ---- dialogs --------------------------------------------------------------
  // One listener for every opener: an event page may list 20,000 charges,
  // each with its buttons. A button's own data-fill wins; else its row's.
  document.addEventListener('click', (ev) => {
    const opener = ev.target.closest && ev.target.closest('[data-open]');
    if (!opener) return;
    const dialog = document.getElementById(opener.dataset.open);
    if (!dialog) return;
    const form = $('form', dialog);
    if (form) {
      clearErrors(form);
      const box = $('.preview', form);
      if (box) box.hidden = true;
      if (form.dataset.preview !== undefined) $('button[type=submit]', form).disabled = true;
      const source = opener.dataset.fill ? opener : opener.closest('[data-fill]');
      if (source) {
        const fill = JSON.parse(source.dataset.fill);
        Object.entries(fill).forEach(([k, v]) => {
          const el = form.elements.namedItem(k);
          if (el) el.value = v;
          $$('[data-slot="' + k + '"]', form).forEach((s) => { s.textContent = v; });
        });
      }
    }
    dialog.showModal();
    // Focus goes back to what opened the dialog when it closes.
    dialog.addEventListener('close', () => { if (document.contains(opener)) opener.focus(); }, { once: true });
    const first = dialog.querySelector('input:not([type=hidden]):not([disabled]):not([tabindex="-1"]), select:not([disabled]), textarea, button:not([data-close]):not([tabindex="-1"])');
    if (first) first.focus();
  });
  $$('[data-close]').forEach((b) => b.addEventListener('click', () => b.closest('dialog').close()));

  // PAX: activities at the event's default PAX take the new one as it is typed.
  $$('[data-pax-source]').forEach((source) => {
    source.addEventListener('input', () => {
      $$('[data-follows-default]', source.form).forEach((i) => { i.value = source.value; });
    });
  });

  // Calendar: a move keeps the length, so it takes only the new first day.
  $$('input[name=mode]').forEach((radio) => {
    const sync = () => {
      const form = radio.form;
      const mode = (form.querySelector('input[name=mode]:checked') || {}).value;
      const end = form.elements.namedItem('end_date');
      const label = $('.end-date', form);
      end.disabled = mode === 'move';
      label.hidden = mode === 'move';
    };
    radio.addEventListener('change', sync);
    sync();
  });

  // ---- user search (visitor change, order customer) -----------------------------
  $$('[data-user-search]').forEach((input) => {
    const target = document.getElementById(input.dataset.userSearch);
    const radioName = input.dataset.radioName || 'user_id';
    const search = debounce(async () => {
      const q = input.value.trim();
      target.innerHTML = '';
      if (!q) return;
      const res = await api('GET', '/api/v1/users?limit=20&search=' + encodeURIComponent(q));
      if (!res.ok) { target.textContent = (res.data && res.data.detail) || ''; return; }
      const items = (res.data && res.data.items) || [];
      if (!items.length) { target.textContent = target.dataset.empty || ''; return; }
      items.forEach((u) => {
        const label = document.createElement('label');
        label.className = 'check';
        const radio = document.createElement('input');
        radio.type = 'radio';
        radio.name = radioName;
        radio.value = u.id;
        radio.dataset.type = 'int';
        label.appendChild(radio);
        label.appendChild(document.createTextNode(' ' + u.first_name + ' ' + u.last_name + ' · ' + u.email));
        target.appendChild(label);
      });
      if (items.length === 1) { target.querySelector('input').checked = true; target.querySelector('input').dispatchEvent(new Event('change', { bubbles: true })); }
    }, 250);
    input.addEventListener('input', search);
  });
  $$('[data-clear-search]').forEach((b) => b.addEventListener('click', () => {
    const input = b.parentElement.querySelector('input');
    input.value = '';
    const target = document.getElementById(input.dataset.userSearch);
    if (target) target.innerHTML = '';
    input.focus();
  }));
  $$('[data-toggle-new-user]').forEach((b) => b.addEventListener('click', () => {
    const form = b.closest('form');
    const fresh = $('.new-user', form);
    const existing = $('.existing-user', form);
    const on = fresh.hidden;
    fresh.hidden = !on;
    fresh.disabled = !on;
    existing.disabled = on;
    if (on) fresh.querySelector('input').focus();
  }));

  // ---- new order -------------------------------------------------------------
  const order = $('#order-form');
  if (order) {
    const premises = $('#o-premises');
    const workplace = $('#o-workplace');
    const syncCatalogue = () => {
      const p = premises.value;
      const venue = premises.selectedOptions[0] ? premises.selectedOptions[0].dataset.venue : '';
      let firstVisible = null;
      $$('option', workplace).forEach((o) => {
        o.hidden = o.dataset.group !== p;
        o.disabled = o.hidden;
        if (!o.hidden && !firstVisible) firstVisible = o;
      });
      if (workplace.selectedOptions[0] && workplace.selectedOptions[0].hidden && firstVisible) workplace.value = firstVisible.value;
      $$('[data-venue-bound] option[data-venue]', order).forEach((o) => { o.hidden = o.dataset.venue !== venue; o.disabled = o.hidden; });
      $$('label[data-venue]', order).forEach((l) => {
        const off = l.dataset.venue !== venue;
        l.hidden = off;
        l.querySelector('input').disabled = off;
      });
    };
    // The tariff that fits the period: daily for whole days, hourly for a slot.
    const tariff = $('select[name="items.0.tariff_id"]', order);
    const fitTariff = () => {
      const slot = ($('input[name=period_kind]:checked', order) || {}).value === 'slot';
      const want = slot ? 'hour' : 'day';
      const fits = $$('option', tariff).find((o) => !o.hidden && o.dataset.unit === want);
      const current = tariff.selectedOptions[0];
      if (fits && (!current || current.hidden || current.dataset.unit !== want)) tariff.value = fits.value;
    };
    // The quote says what the tariff prices: "Суточный — 1 500,00 ₽ / сутки".
    const unit = $('#quote-unit');
    const sayUnit = () => { if (unit) { const o = tariff.selectedOptions[0]; unit.textContent = o ? '(' + o.textContent.trim() + ')' : ''; } };
    tariff.addEventListener('change', sayUnit);
    premises.addEventListener('change', () => { syncCatalogue(); fitTariff(); sayUnit(); });
    syncCatalogue();
    fitTariff();
    sayUnit();

    $$('input[name=period_kind]', order).forEach((r) => r.addEventListener('change', () => {
      const slot = $('input[name=period_kind]:checked', order).value === 'slot';
      $('.period-days', order).hidden = slot;
      $('.period-slot', order).hidden = !slot;
      $$('.period-days input', order).forEach((i) => { i.disabled = slot; });
      $$('.period-slot input', order).forEach((i) => { i.disabled = !slot; });
      fitTariff();
      sayUnit();
    }));

    // A visitor is offered only the workplaces free for the period.
    if (order.dataset.free !== undefined) {
      const none = $('#o-no-free');
      const onlyFree = debounce(async () => {
        const item = (formBody(order).items || [])[0] || {};
        const p = item.period || {};
        const q = p.start_date && p.end_date ? `start_date=${p.start_date}&end_date=${p.end_date}`
          : (p.date && p.start_time && p.end_time ? `date=${p.date}&start_time=${p.start_time}&end_time=${p.end_time}` : null);
        if (!q) return;
        const res = await api('GET', `/api/v1/premises/${premises.value}/free-workplaces?${q}&limit=500`);
        if (!res.ok) return;
        const free = new Set(res.data.items.map((w) => String(w.id)));
        let first = null;
        $$('option', workplace).forEach((o) => {
          const off = o.dataset.group !== premises.value || !free.has(o.value);
          o.hidden = off; o.disabled = off;
          if (!off && !first) first = o;
        });
        if (!workplace.selectedOptions[0] || workplace.selectedOptions[0].disabled) workplace.value = first ? first.value : '';
        if (none) none.hidden = !!first;
      }, 250);
      order.addEventListener('change', (ev) => { if (ev.target !== workplace) onlyFree(); });
      order.addEventListener('input', (ev) => { if (ev.target !== workplace) onlyFree(); });
    }

    const quoteSlot = $('#quote');
    const quote = debounce(async () => {
      const data = formBody(order);
      // The price does not depend on whose tickets they will be: until a
      // customer is picked, a manager's quote is asked in their own name.
      if (data.customer_id === undefined) data.customer_id = Number(order.dataset.quoteAs || 0);
      const item = (data.items || [])[0] || {};
      const p = item.period || {};
      if (!((p.start_date && p.end_date) || (p.date && p.start_time && p.end_time))) { quoteSlot.textContent = '—'; return; }
      const res = await api('POST', order.dataset.quote, data);
      quoteSlot.textContent = res.ok ? res.data.total_text : '—';
    }, 300);
    order.addEventListener('input', quote);
    order.addEventListener('change', quote);
  }

  // ---- the ticket list's filters ---------------------------------------------
  const filters = $('form[data-auto-filter]');
  if (filters) {
    // On a phone the filter folds behind a button that counts what is set.
    const toggle = document.createElement('button');
    toggle.type = 'button';
    toggle.className = 'filters-toggle';
    toggle.setAttribute('aria-controls', filters.id);
    const setCount = () => {
      const set = new Set();
      new FormData(filters).forEach((v, k) => { if (String(v).trim() !== '') set.add(k); });
      toggle.innerHTML = '';
      const label = document.createElement('span');
      label.append(Kit.icon('list-filter'), document.createTextNode(' ' + (filters.getAttribute('aria-label') || '')));
      toggle.appendChild(label);
      if (set.size) { const c = document.createElement('span'); c.className = 'count'; c.textContent = set.size; toggle.appendChild(c); }
      toggle.setAttribute('aria-expanded', String(filters.classList.contains('open')));
    };
    filters.classList.add('collapsible');
    if ($('[aria-invalid=true]', filters)) filters.classList.add('open');
    filters.before(toggle);
    toggle.addEventListener('click', () => { filters.classList.toggle('open'); setCount(); });
    filters.addEventListener('change', setCount);
    filters.addEventListener('input', setCount);
    setCount();
    const url = () => {
      const params = new URLSearchParams();
      new FormData(filters).forEach((v, k) => { if (String(v).trim() !== '') params.append(k, v); });
      const q = params.toString();
      return filters.action + (q ? '?' + q : '');
    };
    let seq = 0;
    const refresh = async () => {
      const mine = ++seq;
      const target = url();
      const res = await fetch(target, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } });
      if (mine !== seq) return; // a newer keystroke won
      if (res.redirected && res.url.includes('/login')) { location.href = res.url; return; }
      const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
      const fresh = doc.getElementById('results');
      if (fresh) $('#results').innerHTML = fresh.innerHTML;
      const summary = doc.getElementById('f-status-summary');
      if (summary) $('#f-status-summary').textContent = summary.textContent;
      // What the server said of each field, at the field.
      $$('[data-error-for]', filters).forEach((slot) => {
        const said = doc.querySelector(`#filters [data-error-for="${slot.dataset.errorFor}"]`);
        slot.textContent = said ? said.textContent : '';
        const input = filters.elements.namedItem(slot.dataset.errorFor);
        const shown = input && input.type === 'hidden' ? $('input[data-kit-field]', input.parentElement) : input;
        if (shown && shown.setAttribute) {
          if (slot.textContent) shown.setAttribute('aria-invalid', 'true'); else shown.removeAttribute('aria-invalid');
        }
      });
      history.replaceState(null, '', target);
    };
    const soon = debounce(refresh, 300);
    filters.addEventListener('input', (e) => { if (e.target.type === 'text' || e.target.inputMode === 'numeric' || e.target.type === 'search') soon(); });
    filters.addEventListener('change', () => refresh());
    filters.addEventListener('submit', (e) => { e.preventDefault(); refresh(); });
    $$('[data-reset]', filters).forEach((b) => b.addEventListener('click', () => {
      b.dataset.reset.split(' ').forEach((id) => {
        const el = document.getElementById(id);
        if (!el) return;
        if (el.tagName === 'INPUT') el.value = '';
        // A date field's shown text is its named input's, set through it.
        const named = el.dataset && el.dataset.kitField ? $('input[type=hidden]', el.parentElement) : null;
        if (named) named.value = '';
        $$('input[type=checkbox]', el).forEach((c) => { c.checked = false; });
        el.dispatchEvent(new Event('kit:sync'));
      });
      // A chip (the customer an orders list is narrowed to) goes with its value.
      if (b.dataset.drop) { const chip = document.getElementById(b.dataset.drop); if (chip) chip.remove(); }
      refresh();
    }));
    const resetAll = $('#reset-filter');
    if (resetAll) resetAll.addEventListener('click', (e) => {
      e.preventDefault();
      $$('input', filters).forEach((i) => { if (i.type === 'checkbox') i.checked = false; else i.value = ''; });
      $$('.multi-select', filters).forEach((m) => m.dispatchEvent(new Event('kit:sync')));
      $$('[data-drop]', filters).forEach((b) => { const chip = document.getElementById(b.dataset.drop); if (chip) chip.remove(); });
      Kit.closePopover();
      refresh();
    });
  }

  // Whole rows open their page (the number stays a real link for keyboards).
  document.addEventListener('click', (e) => {
    const row = e.target.closest('tr[data-href]');
    if (row && !e.target.closest('a, button, input')) location.href = row.dataset.href;
  });
})();

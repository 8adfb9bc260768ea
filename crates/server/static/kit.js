// Tessera's design system, the behaviour half (app.css is the other): the
// side drawer, popovers that stay inside the viewport and close on an outside
// click or Esc (menus, the multi-select, the date and time pickers), date and
// time fields in the page's language whose value stays ISO, the confirmation
// dialog, toasts and the error summary. No build step; every word comes from
// the page (<template id="kit">), which the server words from its catalogue.
(() => {
  'use strict';
  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
  const words = ($('#kit') || { dataset: {} }).dataset;
  const lang = document.body.dataset.lang || document.documentElement.lang || 'ru';
  const iconsUrl = document.body.dataset.icons || '/static/icons.svg';

  const icon = (name, cls = '') => {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('class', ('icon ' + cls).trim());
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    const use = document.createElementNS(ns, 'use');
    use.setAttribute('href', iconsUrl + '#i-' + name);
    svg.appendChild(use);
    return svg;
  };

  // ---- dates as the pages show them ---------------------------------------------
  // The server formats with ICU4X (CLDR); these are the same CLDR patterns:
  // Russian lists days as 13.12.2022, Bulgarian and English by "medium".
  const dayOptions = lang === 'ru' ? { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' } : { dateStyle: 'medium', timeZone: 'UTC' };
  const dayFormat = new Intl.DateTimeFormat(lang, dayOptions);
  const plain = (s) => s.replace(/[\u202f\u00a0]/g, ' ');
  const isoOf = (y, m, d) => {
    const dt = new Date(Date.UTC(y, m - 1, d));
    if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d || y < 1900 || y > 2199) return null;
    return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  };
  const formatDay = (iso) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
    if (!m || !isoOf(+m[1], +m[2], +m[3])) return iso || '';
    return plain(dayFormat.format(new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]))));
  };
  const monthNames = Array.from({ length: 12 }, (_, i) => new Intl.DateTimeFormat(lang, { month: 'short', timeZone: 'UTC' })
    .format(new Date(Date.UTC(2024, i, 15))).toLowerCase().replace(/\.$/, ''));
  // What a person types: 13.12.2026, 13/12/2026 (12/13/2026 in English),
  // 2026-12-13, "Dec 13, 2026", "13 дек. 2026 г.".
  function parseDay(text) {
    const t = plain(String(text)).trim().toLowerCase().replace(/\s*г\.?$/, '');
    if (!t) return '';
    let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
    if (m) return isoOf(+m[1], +m[2], +m[3]);
    m = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/.exec(t);
    if (m) return lang === 'en' && t.includes('/') ? isoOf(+m[3], +m[1], +m[2]) : isoOf(+m[3], +m[2], +m[1]);
    const month = (word) => monthNames.findIndex((n) => n && (word.startsWith(n) || n.startsWith(word.replace(/\.$/, '')))) + 1;
    m = /^([^\d\s,.]+)\.?\s+(\d{1,2}),?\s+(\d{4})$/.exec(t);
    if (m && month(m[1])) return isoOf(+m[3], month(m[1]), +m[2]);
    m = /^(\d{1,2})\s+([^\d\s,]+)\.?,?\s+(\d{4})$/.exec(t);
    if (m && month(m[2])) return isoOf(+m[3], month(m[2]), +m[1]);
    return null;
  }
  function parseTime(text) {
    const t = String(text).trim();
    if (!t) return '';
    const m = /^(\d{1,2})[:.]?(\d{2})$/.exec(t);
    if (!m || +m[1] > 23 || +m[2] > 59) return null;
    return `${m[1].padStart(2, '0')}:${m[2]}`;
  }

  // ---- popovers -----------------------------------------------------------------
  // One open at a time; fixed to the viewport beside their anchor, flipped
  // above it when there is no room below, shifted to stay on screen.
  let open = null;
  function place(pop, anchor) {
    const gap = 6; const margin = 8;
    const a = anchor.getBoundingClientRect();
    pop.style.left = '0px'; pop.style.top = '0px';
    const w = pop.offsetWidth; const h = pop.offsetHeight;
    const vw = document.documentElement.clientWidth; const vh = window.innerHeight;
    let left = pop.dataset.align === 'end' ? a.right - w : a.left;
    left = Math.max(margin, Math.min(left, vw - w - margin));
    let top = a.bottom + gap;
    if (top + h > vh - margin && a.top - gap - h >= margin) top = a.top - gap - h;
    top = Math.max(margin, Math.min(top, vh - h - margin));
    pop.style.left = left + 'px';
    pop.style.top = top + 'px';
  }
  function openPopover(pop, anchor, { onClose, focusBack = anchor } = {}) {
    if (open) closePopover();
    pop.hidden = false;
    place(pop, anchor);
    anchor.setAttribute('aria-expanded', 'true');
    open = { pop, anchor, onClose, focusBack };
  }
  function closePopover(restoreFocus = false) {
    if (!open) return;
    const { pop, anchor, onClose, focusBack } = open;
    open = null;
    pop.hidden = true;
    anchor.setAttribute('aria-expanded', 'false');
    if (onClose) onClose();
    if (restoreFocus && focusBack) focusBack.focus();
  }
  document.addEventListener('pointerdown', (e) => {
    if (open && !open.pop.contains(e.target) && !open.anchor.contains(e.target)) closePopover();
  }, true);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && open) { e.preventDefault(); e.stopPropagation(); closePopover(true); }
  }, true);
  document.addEventListener('focusin', (e) => {
    if (open && !open.pop.contains(e.target) && !open.anchor.contains(e.target)) closePopover();
  });
  window.addEventListener('resize', () => { if (open) place(open.pop, open.anchor); });
  window.addEventListener('scroll', () => { if (open) place(open.pop, open.anchor); }, true);

  const moveFocus = (items, current, step) => {
    const i = items.indexOf(current);
    const next = items[(i + step + items.length) % items.length];
    if (next) next.focus();
  };

  // ---- menus (⋮): role=menu, arrows, Home/End, Esc back to the button ------------
  $$('[data-menu]').forEach((button) => {
    const menu = document.getElementById(button.dataset.menu);
    if (!menu) return;
    menu.classList.add('popover', 'menu-list');
    menu.setAttribute('role', 'menu');
    menu.dataset.align = 'end';
    menu.hidden = true;
    button.setAttribute('aria-haspopup', 'menu');
    button.setAttribute('aria-expanded', 'false');
    const items = () => $$('[role=menuitem]', menu).filter((i) => !i.disabled && !i.hidden);
    const show = (focus) => {
      openPopover(menu, button);
      const list = items();
      if (list.length) (focus === 'last' ? list[list.length - 1] : list[0]).focus();
    };
    button.addEventListener('click', () => (menu.hidden ? show() : closePopover(true)));
    button.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowDown') { e.preventDefault(); show(); }
      if (e.key === 'ArrowUp') { e.preventDefault(); show('last'); }
    });
    menu.addEventListener('keydown', (e) => {
      const list = items();
      if (e.key === 'ArrowDown') { e.preventDefault(); moveFocus(list, document.activeElement, 1); }
      if (e.key === 'ArrowUp') { e.preventDefault(); moveFocus(list, document.activeElement, -1); }
      if (e.key === 'Home') { e.preventDefault(); list[0].focus(); }
      if (e.key === 'End') { e.preventDefault(); list[list.length - 1].focus(); }
      if (e.key === 'Tab') closePopover();
    });
    menu.addEventListener('click', (e) => { if (e.target.closest('[role=menuitem]')) closePopover(); });
  });

  // ---- the multi-select (a list's statuses) ----------------------------------------
  // A <details class="dropdown"> without a script; with one, a button whose
  // list of boxes opens beside it. The boxes stay in their form.
  $$('details.dropdown').forEach((details, n) => {
    const summary = $('summary', details);
    const body = $('.dropdown-body', details);
    const wrap = document.createElement('div');
    wrap.className = 'multi-select';
    const button = document.createElement('button');
    button.type = 'button';
    if (details.id) { wrap.id = details.id; button.id = details.id + '-button'; details.removeAttribute('id'); }
    const labelled = summary.getAttribute('aria-labelledby');
    if (labelled) button.setAttribute('aria-labelledby', labelled);
    button.setAttribute('aria-haspopup', 'true');
    button.setAttribute('aria-expanded', 'false');
    const text = document.createElement('span');
    text.id = $('span', summary) ? $('span', summary).id : 'multi-' + n;
    if ($('span', summary)) $('span', summary).removeAttribute('id');
    text.textContent = summary.textContent.trim();
    button.append(text, icon('chevron-down'));
    body.id = body.id || 'multi-body-' + n;
    body.className = 'popover multi-options';
    button.setAttribute('aria-controls', body.id);
    body.hidden = true;
    wrap.append(button, body);
    details.replaceWith(wrap);
    const boxes = () => $$('input[type=checkbox]', body);
    button.addEventListener('click', () => {
      if (!body.hidden) return closePopover(true);
      openPopover(body, button);
      const first = boxes()[0];
      if (first) first.focus();
    });
    button.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowDown' && body.hidden) { e.preventDefault(); button.click(); }
    });
    body.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowDown') { e.preventDefault(); moveFocus(boxes(), document.activeElement, 1); }
      if (e.key === 'ArrowUp') { e.preventDefault(); moveFocus(boxes(), document.activeElement, -1); }
      if (e.key === 'Tab') closePopover();
    });
    const sync = () => {
      const picked = boxes().filter((b) => b.checked).map((b) => b.parentElement.textContent.trim());
      text.textContent = picked.length ? picked.join(', ') : '—';
    };
    body.addEventListener('change', sync);
    wrap.addEventListener('kit:sync', sync);
  });

  // ---- date fields ------------------------------------------------------------------
  // The named input becomes hidden and keeps the ISO value the API takes; a
  // text field beside it shows and takes the page's format, with a calendar.
  const weekdays = Array.from({ length: 7 }, (_, i) => new Intl.DateTimeFormat(lang, { weekday: 'short', timeZone: 'UTC' })
    .format(new Date(Date.UTC(2024, 0, 1 + i))).replace(/\.$/, ''));
  const monthTitle = new Intl.DateTimeFormat(lang, { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const todayIso = () => { const d = new Date(); return isoOf(d.getFullYear(), d.getMonth() + 1, d.getDate()); };
  const valueSetter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value');

  function mirror(hidden, shown, render) {
    // A script that sets the named input's value (a dialog filled from its
    // row) shows it too; its disabled and invalid marks show on the field.
    Object.defineProperty(hidden, 'value', {
      configurable: true,
      get() { return valueSetter.get.call(this); },
      set(v) { valueSetter.set.call(this, v); render(); },
    });
    new MutationObserver(() => {
      shown.disabled = hidden.disabled;
      if (hidden.getAttribute('aria-invalid') === 'true') shown.setAttribute('aria-invalid', 'true');
      else if (!shown.dataset.badInput) shown.removeAttribute('aria-invalid');
    }).observe(hidden, { attributes: true, attributeFilter: ['disabled', 'aria-invalid'] });
  }

  function enhance(input, kind) {
    const isDate = kind === 'date';
    const wrap = document.createElement('span');
    wrap.className = isDate ? 'date-field' : 'time-field';
    const shown = document.createElement('input');
    shown.type = 'text';
    shown.autocomplete = 'off';
    shown.inputMode = 'numeric';
    shown.className = input.className;
    shown.placeholder = isDate ? (words.dateFormat || '') : (words.timeFormat || '');
    if (input.id) { shown.id = input.id; input.removeAttribute('id'); }
    ['aria-label', 'aria-describedby', 'aria-labelledby', 'required'].forEach((a) => {
      if (input.hasAttribute(a)) shown.setAttribute(a, input.getAttribute(a));
    });
    shown.disabled = input.disabled;
    shown.dataset.kitField = kind;
    const toggle = document.createElement('button');
    toggle.type = 'button';
    toggle.className = 'picker-toggle';
    toggle.tabIndex = -1;
    toggle.setAttribute('aria-label', isDate ? (words.pickDate || '') : (words.pickTime || ''));
    toggle.appendChild(icon(isDate ? 'calendar' : 'clock'));
    input.replaceWith(wrap);
    input.type = 'hidden';
    wrap.append(shown, toggle, input);
    const render = () => { shown.value = isDate ? formatDay(input.value) : (input.value || ''); };
    mirror(input, shown, render);
    render();
    const emit = () => {
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new Event('change', { bubbles: true }));
    };
    const fieldError = () => {
      const form = input.form || wrap.closest('form');
      return form && $$('[data-error-for]', form).find((s) => s.dataset.errorFor.replace(/\[(\d+)\]/g, '.$1') === input.name);
    };
    const commit = (fromTyping) => {
      const parsed = isDate ? parseDay(shown.value) : parseTime(shown.value);
      const slot = fieldError();
      if (parsed === null) {
        // Not a date (yet): said at the field on leaving it; nothing is sent.
        shown.dataset.badInput = isDate ? (words.badDate || '') : (words.badTime || '');
        if (!fromTyping) {
          shown.setAttribute('aria-invalid', 'true');
          if (slot) slot.textContent = shown.dataset.badInput;
        }
        if (input.value !== '') { valueSetter.set.call(input, ''); emit(); }
        return;
      }
      delete shown.dataset.badInput;
      shown.removeAttribute('aria-invalid');
      if (slot && slot.textContent && (slot.textContent === (words.badDate || '') || slot.textContent === (words.badTime || ''))) slot.textContent = '';
      if (parsed !== input.value) { valueSetter.set.call(input, parsed); emit(); }
      if (!fromTyping) render();
    };
    // The field's own events are its; the form hears the named input's.
    shown.addEventListener('input', (e) => { e.stopPropagation(); commit(true); });
    shown.addEventListener('change', (e) => { e.stopPropagation(); commit(false); });
    shown.addEventListener('blur', () => commit(false));
    shown.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') commit(false);
      if (e.key === 'ArrowDown' && e.altKey) { e.preventDefault(); toggle.click(); }
    });
    const pop = document.createElement('div');
    pop.className = 'popover ' + (isDate ? 'calendar' : 'times');
    pop.hidden = true;
    pop.setAttribute('role', 'dialog');
    pop.setAttribute('aria-label', toggle.getAttribute('aria-label'));
    wrap.appendChild(pop);
    const pick = (value) => {
      valueSetter.set.call(input, value);
      render();
      delete shown.dataset.badInput;
      shown.removeAttribute('aria-invalid');
      const slot = fieldError();
      if (slot) slot.textContent = '';
      emit();
      closePopover(true);
    };
    toggle.addEventListener('click', () => {
      if (!pop.hidden) return closePopover(true);
      if (shown.disabled) return;
      (isDate ? drawCalendar : drawTimes)(pop, input.value, pick, input.getAttribute('step'));
      openPopover(pop, shown, { focusBack: shown });
      const focus = $('[aria-selected=true]', pop) || $('.today', pop) || $('button', pop);
      if (focus) focus.focus();
    });
  }

  function drawCalendar(pop, value, pick, _step, month) {
    const base = /^\d{4}-\d{2}-\d{2}$/.test(value || '') ? value : todayIso();
    const [y, m] = month || [+base.slice(0, 4), +base.slice(5, 7)];
    pop.innerHTML = '';
    const head = document.createElement('div');
    head.className = 'calendar-head';
    const nav = (step, label, name) => {
      const b = document.createElement('button');
      b.type = 'button'; b.className = 'ghost icon-only small';
      b.setAttribute('aria-label', label);
      b.appendChild(icon(name));
      b.addEventListener('click', () => {
        const d = new Date(Date.UTC(y, m - 1 + step, 1));
        drawCalendar(pop, value, pick, _step, [d.getUTCFullYear(), d.getUTCMonth() + 1]);
        const again = $$('.calendar-head button', pop);
        (step < 0 ? again[0] : again[1]).focus();
      });
      return b;
    };
    const title = document.createElement('strong');
    title.textContent = plain(monthTitle.format(new Date(Date.UTC(y, m - 1, 1))));
    title.setAttribute('aria-live', 'polite');
    head.append(nav(-1, words.previousMonth || '‹', 'chevron-left'), title, nav(1, words.nextMonth || '›', 'chevron-right'));
    const table = document.createElement('table');
    table.setAttribute('role', 'grid');
    const thead = document.createElement('tr');
    weekdays.forEach((w) => { const th = document.createElement('th'); th.textContent = w; th.scope = 'col'; thead.appendChild(th); });
    table.appendChild(thead);
    const first = new Date(Date.UTC(y, m - 1, 1));
    const offset = (first.getUTCDay() + 6) % 7; // weeks start on Monday
    const today = todayIso();
    let row;
    for (let i = 0; i < 42; i++) {
      if (i % 7 === 0) { row = document.createElement('tr'); table.appendChild(row); }
      const d = new Date(Date.UTC(y, m - 1, 1 - offset + i));
      const iso = isoOf(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
      const td = document.createElement('td');
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = d.getUTCDate();
      b.dataset.iso = iso;
      b.setAttribute('aria-label', formatDay(iso));
      b.tabIndex = -1;
      if (d.getUTCMonth() !== m - 1) b.classList.add('other');
      if (iso === today) b.classList.add('today');
      if (iso === value) b.setAttribute('aria-selected', 'true');
      b.addEventListener('click', () => pick(iso));
      td.appendChild(b);
      row.appendChild(td);
    }
    const focusable = $('[aria-selected=true]', table) || $('.today', table) || $$('button:not(.other)', table)[0];
    if (focusable) focusable.tabIndex = 0;
    table.addEventListener('keydown', (e) => {
      const steps = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 };
      if (!(e.key in steps) || !e.target.dataset.iso) return;
      e.preventDefault();
      const cur = e.target.dataset.iso;
      const d = new Date(Date.UTC(+cur.slice(0, 4), +cur.slice(5, 7) - 1, +cur.slice(8, 10) + steps[e.key]));
      const iso = isoOf(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
      let target = $(`button[data-iso="${iso}"]`, table);
      if (!target || target.classList.contains('other')) {
        drawCalendar(pop, value, pick, _step, [d.getUTCFullYear(), d.getUTCMonth() + 1]);
        target = $(`button[data-iso="${iso}"]`, pop);
      }
      if (target) target.focus();
    });
    pop.append(head, table);
  }

  function drawTimes(pop, value, pick, step) {
    pop.innerHTML = '';
    const minutes = Math.max(15, Math.min(60, Math.round((+step || 1800) / 60)));
    const list = [];
    for (let t = 7 * 60; t <= 23 * 60; t += minutes) {
      const v = `${String(Math.floor(t / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`;
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = v;
      if (v === value) b.setAttribute('aria-selected', 'true');
      b.addEventListener('click', () => pick(v));
      pop.appendChild(b);
      list.push(b);
    }
    pop.onkeydown = (e) => {
      if (e.key === 'ArrowDown') { e.preventDefault(); moveFocus(list, document.activeElement, 1); }
      if (e.key === 'ArrowUp') { e.preventDefault(); moveFocus(list, document.activeElement, -1); }
    };
    const sel = $('[aria-selected=true]', pop);
    if (sel) requestAnimationFrame(() => sel.scrollIntoView({ block: 'center' }));
  }

  $$('input[type=date]').forEach((i) => enhance(i, 'date'));
  $$('input[type=time]').forEach((i) => enhance(i, 'time'));

  // ---- the side drawer (phones) -----------------------------------------------------
  const side = $('#side');
  const toggleSide = (on) => {
    document.body.classList.toggle('side-open', on);
    $$('[data-side-toggle]').forEach((b) => b.setAttribute('aria-expanded', String(on)));
    if (on) { const first = $('a, button', side); if (first) first.focus(); }
  };
  $$('[data-side-toggle]').forEach((b) => b.addEventListener('click', () => toggleSide(!document.body.classList.contains('side-open'))));
  $$('[data-side-close]').forEach((b) => b.addEventListener('click', () => toggleSide(false)));
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && document.body.classList.contains('side-open')) {
      toggleSide(false);
      const t = $('[data-side-toggle]'); if (t) t.focus();
    }
  });

  // ---- toasts ------------------------------------------------------------------------
  const toastBox = $('#toasts');
  function toast(text, kind = 'ok') {
    if (!toastBox || !text) return;
    const t = document.createElement('div');
    t.className = 'toast' + (kind === 'error' ? ' error' : '');
    t.append(icon(kind === 'error' ? 'circle-alert' : 'circle-check'), document.createTextNode(text));
    toastBox.appendChild(t);
    setTimeout(() => t.remove(), 5000);
  }
  // Said after the reload a change makes.
  const later = (text) => { if (text) sessionStorage.setItem('tessera-toast', text); };
  const pending = sessionStorage.getItem('tessera-toast');
  if (pending) { sessionStorage.removeItem('tessera-toast'); toast(pending); }

  // ---- the confirmation dialog ------------------------------------------------------
  const confirmDialog = $('#confirm-dialog');
  function confirmAction({ text, ok, danger, title }) {
    // No dialog to ask in: nothing is done unasked.
    if (!confirmDialog) return Promise.resolve(false);
    $('#confirm-title', confirmDialog).textContent = title || words.confirm || '';
    $('#confirm-text', confirmDialog).textContent = text || '';
    const okButton = $('[data-confirm-ok]', confirmDialog);
    okButton.textContent = ok || words.done || 'OK';
    okButton.className = danger ? 'danger' : 'primary';
    const back = document.activeElement;
    confirmDialog.returnValue = '';
    confirmDialog.showModal();
    okButton.focus();
    return new Promise((resolve) => {
      confirmDialog.addEventListener('close', () => {
        if (back && back.focus) back.focus();
        resolve(confirmDialog.returnValue === 'ok');
      }, { once: true });
    });
  }

  // ---- errors: at their fields, once, and a summary that links to them --------------
  const fieldKey = (name) => String(name).replace(/\[(\d+)\]/g, '.$1');
  function labelOf(control) {
    if (!control || !control.closest) return '';
    const shown = control.type === 'hidden' ? control.parentElement && $('input[data-kit-field]', control.parentElement) : control;
    const el = shown || control;
    const label = (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`)) || el.closest('label');
    if (label) {
      const copy = label.cloneNode(true);
      $$('input, select, textarea, .date-field, .time-field, .muted, .hint, button', copy).forEach((n) => n.remove());
      const t = copy.textContent.trim();
      if (t) return t;
    }
    if (el.getAttribute('aria-label')) return el.getAttribute('aria-label');
    const legend = el.closest('fieldset') && $('legend', el.closest('fieldset'));
    return legend ? legend.textContent.trim() : '';
  }
  function visibleControl(control) {
    if (control && control.type === 'hidden' && control.parentElement) return $('input[data-kit-field]', control.parentElement) || control;
    return control;
  }
  function clearErrors(root) {
    if (!root) return;
    $$('[data-error-for]', root).forEach((p) => { p.textContent = ''; });
    $$('[aria-invalid]', root).forEach((i) => i.removeAttribute('aria-invalid'));
    $$('.form-error, .error-summary', root).forEach((g) => { g.innerHTML = ''; g.hidden = true; });
  }
  // Where a refused field lives: the slot for its message, the control the
  // summary links to, and the words naming it (its label, else its group's).
  function locate(root, key) {
    const slots = $$('[data-error-for]', root);
    const named = $$('[name]', root);
    let slot = slots.find((el) => fieldKey(el.dataset.errorFor) === key);
    // A field inside a group with one slot (an item of a list): the group's.
    if (!slot) slot = slots.filter((el) => key.startsWith(fieldKey(el.dataset.errorFor) + '.')).pop();
    let control = named.find((el) => fieldKey(el.name) === key);
    let label = control ? labelOf(control) : '';
    if (!control) {
      // A group's error (a period): its first field, named by its legend.
      const box = (slot && (slot.closest('fieldset') || slot.closest('.field'))) || null;
      control = named.find((el) => fieldKey(el.name).startsWith(key + '.')) || (box && $('input:not([type=hidden]):not([disabled]), select, textarea', box));
      const legend = box && $('legend', box);
      label = legend ? legend.textContent.trim() : (box && $('label', box) ? labelOf($('input, select, textarea', box)) : '');
    }
    return { slot, control, label };
  }

  // problem+json: each field's message at its field; the summary names the
  // fields (each a link to it), or says the detail when no field is named.
  function showProblem(root, summary, problem) {
    let p = problem || {};
    // A conflict about one field (an e-mail taken) is said at that field,
    // as the form maps it: data-problem-fields="email-taken=email".
    const map = root && root.dataset && root.dataset.problemFields;
    if (map && !(p.errors || []).length && p.type) {
      map.split(' ').forEach((pair) => {
        const [slug, field] = pair.split('=');
        if (p.type.endsWith('/' + slug)) p = Object.assign({}, p, { errors: [{ field, message: p.detail }] });
      });
    }
    const linked = [];
    const loose = [];
    (p.errors || []).forEach((e) => {
      const key = fieldKey(e.field);
      const { slot, control, label } = root ? locate(root, key) : {};
      if (control) {
        control.setAttribute('aria-invalid', 'true');
        const shown = visibleControl(control);
        if (shown !== control) shown.setAttribute('aria-invalid', 'true');
      }
      if (slot) {
        if (!slot.id) slot.id = 'err-' + Math.random().toString(36).slice(2, 9);
        if (!slot.textContent.includes(e.message)) slot.textContent = slot.textContent ? slot.textContent + ' ' + e.message : e.message;
        const target = visibleControl(control);
        if (target) target.setAttribute('aria-describedby', slot.id);
        linked.push({ slot, target: target || slot, label: label || e.message });
      } else {
        loose.push(e.message);
      }
    });
    if (!summary) return;
    summary.innerHTML = '';
    const hasFields = linked.length > 0;
    const detail = loose.length ? loose.join(' ') : (hasFields ? '' : (p.detail || p.title || words.failed || ''));
    if (hasFields) {
      const title = document.createElement('p');
      title.className = 'summary-title';
      title.textContent = words.errorsFields || '';
      const list = document.createElement('ul');
      const seen = new Map();
      linked.forEach(({ slot, target, label }) => {
        let li = seen.get(label);
        if (!li) {
          li = document.createElement('li');
          const a = document.createElement('a');
          a.href = '#' + (target.id || slot.id || '');
          a.textContent = label;
          a.addEventListener('click', (ev) => { ev.preventDefault(); target.focus(); });
          li.appendChild(a);
          li.slots = [];
          list.appendChild(li);
          seen.set(label, li);
        }
        li.slots.push(slot);
      });
      summary.append(title, list);
    }
    if (detail) {
      const d = document.createElement('p');
      d.textContent = detail;
      summary.appendChild(d);
    }
    summary.hidden = false;
    summary.classList.add('error-summary');
    summary.tabIndex = -1;
  }

  // The summary forgets a field once its message has gone; with nothing left
  // to say it goes too.
  function tidySummary(form) {
    $$('.error-summary', form).forEach((summary) => {
      $$('li', summary).forEach((li) => { if (li.slots && li.slots.every((s) => !s.textContent)) li.remove(); });
      const list = $('ul', summary);
      if (list && !list.children.length && !$('p:not(.summary-title)', summary)) { summary.innerHTML = ''; summary.hidden = true; }
    });
  }

  // A field's error goes as soon as the field is changed; so do the errors of
  // a group whose fields are judged together (a period's first and last day).
  const fieldChanged = (e) => {
    const control = e.target.closest && e.target.closest('input, select, textarea');
    if (!control) return;
    const named = control.dataset.kitField ? $('input[type=hidden]', control.parentElement) : control;
    if (!named || !named.name) return;
    const form = named.form || named.closest('form');
    if (!form) return;
    if (control.dataset.badInput) return;
    const key = fieldKey(named.name);
    const together = named.closest('[data-errors-together]');
    $$('[data-error-for]', form).forEach((s) => {
      const k = fieldKey(s.dataset.errorFor);
      if (!(k === key || key.startsWith(k + '.') || (together && together.contains(s)))) return;
      s.textContent = '';
      // The marks its message put on its field (a search box that stands
      // for a customer's radio buttons) go with it.
      const box = s.closest('.field, fieldset');
      if (box) $$('[aria-invalid]', box).forEach((m) => m.removeAttribute('aria-invalid'));
    });
    const marked = together ? $$('[aria-invalid]', together) : [named, control];
    marked.forEach((m) => m.removeAttribute('aria-invalid'));
    tidySummary(form);
  };
  document.addEventListener('input', fieldChanged, true);
  document.addEventListener('change', fieldChanged, true);

  // Fields that hold what is not a date or a time keep the form from going.
  function badInputs(form) {
    const bad = $$('input[data-bad-input]', form).filter((i) => !i.disabled);
    bad.forEach((i) => {
      const hidden = $('input[type=hidden]', i.parentElement);
      i.setAttribute('aria-invalid', 'true');
      const slot = hidden && $$('[data-error-for]', form).find((s) => fieldKey(s.dataset.errorFor) === fieldKey(hidden.name));
      if (slot) slot.textContent = i.dataset.badInput;
    });
    return bad.map((i) => ({ field: $('input[type=hidden]', i.parentElement).name, message: i.dataset.badInput }));
  }

  // ---- copy buttons (a secret shown once, a feed's address) ---------------------
  document.addEventListener('click', async (e) => {
    const b = e.target.closest && e.target.closest('[data-copy]');
    if (!b) return;
    const source = document.querySelector(b.dataset.copy);
    if (!source) return;
    try {
      await navigator.clipboard.writeText(source.textContent.trim());
      toast(words.copied);
    } catch (err) {
      // No clipboard (an insecure origin): select it for the person to copy.
      const range = document.createRange();
      range.selectNodeContents(source);
      const sel = getSelection(); sel.removeAllRanges(); sel.addRange(range);
    }
  });

  window.Kit = { toast, later, confirm: confirmAction, showProblem, clearErrors, badInputs, formatDay, parseDay, icon, place, openPopover, closePopover, words };
})();

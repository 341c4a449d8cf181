// Money Transfer UI for Failure-Proof Rust, module 3.
//
// Plain browser JavaScript, no build step and nothing loaded from elsewhere.
// Rule of this file: text that comes from the API is only ever put into the page
// through textContent / createTextNode / new Option / setAttribute, never parsed as HTML.

'use strict';

(function () {
  const POLL_MS = 1000;
  const HISTORY_LIMIT = 100;
  const DEFAULT_STEPS = ['check_balance_from', 'check_balance_to', 'withdraw', 'deposit'];
  const STEP_LABELS = {
    check_balance_from: 'Check balance (from)',
    check_balance_to: 'Check balance (to)',
    withdraw: 'Withdraw',
    deposit: 'Deposit',
  };
  const DAILY_BATCH = [
    ['account_A', 'account_F'],
    ['account_B', 'account_G'],
    ['account_C', 'account_H'],
    ['account_D', 'account_I'],
    ['account_E', 'account_J'],
  ];
  const DAILY_AMOUNT = 100;

  const moneyFormat = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

  // ---------------------------------------------------------------- state

  const state = {
    config: null,
    accounts: [],
    selectedAccount: null,
    accountToken: 0,
    pollInFlight: false,
    refreshQueued: false,
    rwmBusy: false,
    last: { accounts: null, workflows: null, active: null, history: null, accountHistory: null, rwm: null },
    balances: new Map(),
  };
  let activeCache = new Map();
  let historyCache = new Map();

  // ---------------------------------------------------------------- DOM helpers

  const byId = (id) => document.getElementById(id);

  // el('div', {class: 'x', dataset: {a: 'b'}}, child, 'text', ...)
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    if (attrs) {
      for (const [key, value] of Object.entries(attrs)) {
        if (value === null || value === undefined || value === false) continue;
        if (key === 'class') node.className = value;
        else if (key === 'text') node.textContent = value;
        else if (key === 'dataset') Object.assign(node.dataset, value);
        else node.setAttribute(key, value === true ? '' : String(value));
      }
    }
    for (const child of children) append(node, child);
    return node;
  }

  function append(parent, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach((c) => append(parent, c)); return; }
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }

  function str(value) {
    return value === null || value === undefined ? '' : String(value);
  }

  function money(value) {
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isFinite(n)) return str(value);
    return moneyFormat.format(n);
  }

  function signedMoney(value) {
    const n = Number(value);
    if (!Number.isFinite(n)) return str(value);
    if (n > 0) return '+' + moneyFormat.format(n);
    return moneyFormat.format(n);
  }

  function parseTime(iso) {
    if (!iso) return null;
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? null : d;
  }

  function timeText(iso) {
    const d = parseTime(iso);
    if (!d) return str(iso);
    const now = new Date();
    const sameDay = d.toDateString() === now.toDateString();
    return sameDay ? d.toLocaleTimeString() : d.toLocaleString();
  }

  function timeElement(iso, cls) {
    const d = parseTime(iso);
    return el('time', { class: cls, datetime: d ? d.toISOString() : null, title: d ? d.toLocaleString() : null },
      timeText(iso));
  }

  function durationText(startIso, endIso) {
    const a = parseTime(startIso);
    const b = parseTime(endIso);
    if (!a || !b) return '';
    const secs = Math.max(0, (b - a) / 1000);
    if (secs < 60) return secs.toFixed(secs < 10 ? 1 : 0) + ' s';
    const mins = Math.floor(secs / 60);
    return mins + ' min ' + Math.round(secs - mins * 60) + ' s';
  }

  // Only http(s) links are made clickable; anything else (javascript:, data:) is dropped.
  function safeHref(url) {
    if (typeof url !== 'string' || url === '') return null;
    try {
      const parsed = new URL(url, window.location.href);
      return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
    } catch (_) {
      return null;
    }
  }

  function webUiHref(w) {
    const given = safeHref(w.web_ui_url);
    if (given) return given;
    const base = state.config && safeHref(state.config.temporal_ui_url);
    if (!base || !w.workflow_id) return null;
    const ns = (state.config && state.config.namespace) || 'default';
    return base.replace(/\/+$/, '') + '/namespaces/' + encodeURIComponent(ns) +
      '/workflows/' + encodeURIComponent(w.workflow_id);
  }

  function webUiLink(w) {
    const href = webUiHref(w);
    if (!href) return null;
    return el('a', { class: 'web-ui-link', href, target: '_blank', rel: 'noopener noreferrer' },
      'Open in Temporal Web UI');
  }

  function statusBadge(status) {
    const s = str(status) || 'UNKNOWN';
    let kind = 'other';
    if (s === 'COMPLETED') kind = 'ok';
    else if (s === 'FAILED') kind = 'fail';
    else if (s === 'RUNNING') kind = 'running';
    return el('span', { class: 'badge badge-' + kind, text: s.replace(/_/g, ' ') });
  }

  function accountLabel(name) {
    return el('span', { class: 'acct', text: str(name) });
  }

  // ---------------------------------------------------------------- API

  class ApiError extends Error {
    constructor(message, status, code) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  async function api(path, options) {
    const init = { cache: 'no-store', headers: { Accept: 'application/json' } };
    if (options && options.method) init.method = options.method;
    if (options && options.headers) Object.assign(init.headers, options.headers);
    if (options && 'body' in options) {
      init.method = init.method || 'POST';
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(options.body);
    }
    let res;
    try {
      res = await fetch(path, init);
    } catch (err) {
      throw new ApiError('Cannot reach the server (' + (err && err.message ? err.message : 'network error') + ')', 0, 'network');
    }
    const text = await res.text();
    let data = null;
    if (text) {
      try { data = JSON.parse(text); } catch (_) { data = null; }
    }
    if (!res.ok) {
      const message = data && typeof data.error === 'string' && data.error
        ? data.error
        : 'Request failed: ' + res.status + ' ' + res.statusText;
      throw new ApiError(message, res.status, data && data.code);
    }
    return { data, text };
  }

  // ---------------------------------------------------------------- messages

  function showMessage(kind, ...parts) {
    const box = byId('message');
    box.className = 'message message-' + kind;
    box.replaceChildren();
    append(box, parts);
  }

  function setConnectionProblem(err) {
    const banner = byId('connection');
    if (!err) {
      banner.hidden = true;
      banner.textContent = '';
      return;
    }
    banner.textContent = 'Lost contact with the server, retrying… (' + err.message + ')';
    banner.hidden = false;
  }

  // ---------------------------------------------------------------- polling

  async function loadConfig() {
    const { data } = await api('/api/config');
    state.config = data || {};
    const info = byId('footer-info');
    const parts = ['Failure-Proof Rust'];
    if (state.config.module) parts.push(str(state.config.module));
    if (state.config.namespace) parts.push('namespace ' + str(state.config.namespace));
    info.textContent = parts.join(' · ');
  }

  async function loadAccounts() {
    const { data, text } = await api('/api/accounts');
    if (text === state.last.accounts) return;
    state.last.accounts = text;
    renderAccounts((data && Array.isArray(data.accounts)) ? data.accounts : []);
  }

  async function loadWorkflows() {
    const { data, text } = await api('/api/workflows');
    if (text === state.last.workflows) return;
    state.last.workflows = text;
    const all = (data && Array.isArray(data.workflows)) ? data.workflows : [];
    const active = [];
    const finished = [];
    for (const w of all) {
      if (!w || typeof w !== 'object') continue;
      (w.status === 'RUNNING' ? active : finished).push(w);
    }
    const activeSig = JSON.stringify(active);
    if (activeSig !== state.last.active) {
      state.last.active = activeSig;
      renderActive(active);
    }
    const historySig = JSON.stringify(finished);
    if (historySig !== state.last.history) {
      state.last.history = historySig;
      renderHistory(finished);
    }
  }

  async function loadRealWorldMode() {
    const { data, text } = await api('/api/real-world-mode');
    if (state.rwmBusy || text === state.last.rwm) return;
    state.last.rwm = text;
    renderRealWorldMode(Boolean(data && data.enabled));
  }

  async function loadAccountHistory() {
    const account = state.selectedAccount;
    if (!account) return;
    const token = state.accountToken;
    const { data, text } = await api('/api/accounts/' + encodeURIComponent(account) + '/workflows');
    // The user may have picked another account (or closed the panel) meanwhile.
    if (token !== state.accountToken || account !== state.selectedAccount) return;
    if (text === state.last.accountHistory) return;
    state.last.accountHistory = text;
    renderAccountHistory(account, data || {});
  }

  async function poll(force) {
    if (!force && document.visibilityState !== 'visible') return;
    if (state.pollInFlight) {
      // Never two polls at once: a regular tick is skipped, a forced one runs right after.
      if (force) state.refreshQueued = true;
      return;
    }
    state.pollInFlight = true;
    try {
      if (!state.config) {
        try { await loadConfig(); } catch (_) { /* reported through the other requests */ }
      }
      const jobs = [loadAccounts(), loadWorkflows(), loadRealWorldMode()];
      if (state.selectedAccount) jobs.push(loadAccountHistory());
      const results = await Promise.allSettled(jobs);
      const failure = results.find((r) => r.status === 'rejected');
      setConnectionProblem(failure ? failure.reason : null);
    } finally {
      state.pollInFlight = false;
      if (state.refreshQueued) {
        state.refreshQueued = false;
        poll(true);
      }
    }
  }

  // ---------------------------------------------------------------- accounts

  function fillSelect(select, names, preferred) {
    const current = select.value;
    const sig = JSON.stringify(names);
    if (select.dataset.sig !== sig) {
      const frag = document.createDocumentFragment();
      for (const name of names) frag.appendChild(new Option(name, name));
      select.replaceChildren(frag);
      select.dataset.sig = sig;
    }
    if (names.includes(current)) select.value = current;
    else if (names.includes(preferred)) select.value = preferred;
    else if (names.length) select.value = names[0];
  }

  function renderAccounts(accounts) {
    state.accounts = accounts;
    const names = accounts.map((a) => str(a && a.account_number));
    fillSelect(byId('from-account'), names, names[0]);
    fillSelect(byId('to-account'), names, names[1]);

    const tbody = byId('accounts').tBodies[0];
    const frag = document.createDocumentFragment();
    const previous = state.balances;
    const next = new Map();
    for (const account of accounts) {
      const name = str(account && account.account_number);
      const balance = account ? account.balance : null;
      next.set(name, balance);
      const changed = previous.has(name) && previous.get(name) !== balance;
      const row = el('tr', {
        class: 'account-row' + (name === state.selectedAccount ? ' selected' : '') + (changed ? ' changed' : ''),
        tabindex: '0',
        'aria-label': 'Show transfers of ' + name,
      });
      row.dataset.account = name;
      row.appendChild(el('td', { class: 'acct' }, name));
      row.appendChild(el('td', { class: 'num balance' }, money(balance)));
      frag.appendChild(row);
    }
    if (!accounts.length) {
      frag.appendChild(el('tr', { class: 'empty-row' }, el('td', { colspan: '2' }, 'No accounts yet.')));
    }
    state.balances = next;
    tbody.replaceChildren(frag);
  }

  function markSelectedRow() {
    for (const row of byId('accounts').querySelectorAll('tr.account-row')) {
      row.classList.toggle('selected', row.dataset.account === state.selectedAccount);
    }
  }

  function openAccount(name) {
    state.selectedAccount = name;
    state.accountToken += 1;
    state.last.accountHistory = null;
    markSelectedRow();
    const panel = byId('account-history');
    byId('account-history-title').textContent = name;
    byId('account-summary').replaceChildren(el('p', { class: 'loading' }, 'Loading…'));
    byId('account-transfers').replaceChildren();
    panel.hidden = false;
    loadAccountHistory().catch((err) => {
      if (state.selectedAccount === name) {
        byId('account-summary').replaceChildren(el('p', { class: 'error-text' }, err.message));
      }
    });
  }

  function closeAccount() {
    state.selectedAccount = null;
    state.accountToken += 1;
    state.last.accountHistory = null;
    byId('account-history').hidden = true;
    markSelectedRow();
  }

  function summaryCard(label, value, cls) {
    return el('div', { class: 'summary-card' + (cls ? ' ' + cls : '') },
      el('span', { class: 'summary-label' }, label),
      el('span', { class: 'summary-value' }, value));
  }

  function renderAccountHistory(account, data) {
    byId('account-history-title').textContent = str(data.account_id || account);
    const summary = data.summary || {};
    const net = Number(summary.net_change);
    const frag = document.createDocumentFragment();
    frag.appendChild(summaryCard('Total sent', money(summary.total_sent || 0), 'sent'));
    frag.appendChild(summaryCard('Total received', money(summary.total_received || 0), 'received'));
    frag.appendChild(summaryCard('Net change', signedMoney(Number.isFinite(net) ? net : 0),
      net > 0 ? 'positive' : net < 0 ? 'negative' : ''));
    const counts = summary.counts && typeof summary.counts === 'object' ? summary.counts : {};
    const countList = el('div', { class: 'summary-card counts' }, el('span', { class: 'summary-label' }, 'Transfers by status'));
    const badges = el('span', { class: 'count-badges' });
    const entries = Object.entries(counts);
    if (!entries.length) badges.appendChild(el('span', { class: 'muted' }, 'none'));
    for (const [status, n] of entries) {
      const chip = statusBadge(status);
      chip.appendChild(el('b', null, ' ' + str(n)));
      badges.appendChild(chip);
    }
    countList.appendChild(badges);
    frag.appendChild(countList);
    byId('account-summary').replaceChildren(frag);

    const workflows = Array.isArray(data.workflows) ? data.workflows : [];
    const list = document.createDocumentFragment();
    if (!workflows.length) {
      list.appendChild(el('p', { class: 'empty' }, 'This account has no transfers yet.'));
    }
    for (const w of workflows.slice(0, HISTORY_LIMIT)) {
      const sent = w.direction === 'sent';
      const row = el('div', {
        class: 'transfer-row ' + (sent ? 'dir-sent' : 'dir-received'),
        dataset: { workflowId: str(w.workflow_id), status: str(w.status) },
      });
      row.appendChild(el('span', { class: 'dir' }, sent ? '↑ sent to' : '↓ received from'));
      row.appendChild(accountLabel(w.counterparty));
      row.appendChild(el('span', { class: 'num amount' }, sent ? '−' + money(w.amount) : '+' + money(w.amount)));
      row.appendChild(statusBadge(w.status));
      row.appendChild(timeElement(w.start_time, 'when'));
      const link = webUiLink(w);
      if (link) row.appendChild(link);
      list.appendChild(row);
    }
    if (workflows.length > HISTORY_LIMIT) {
      list.appendChild(el('p', { class: 'note' }, 'Showing ' + HISTORY_LIMIT + ' of ' + workflows.length + ' transfers.'));
    }
    byId('account-transfers').replaceChildren(list);
  }

  // ---------------------------------------------------------------- active workflows

  function stepStates(w) {
    const s = w.state && typeof w.state === 'object' ? w.state : null;
    const steps = s && Array.isArray(s.steps) && s.steps.length ? s.steps.map(str) : DEFAULT_STEPS;
    const result = new Map(steps.map((name) => [name, 'pending']));
    if (w.status === 'COMPLETED') {
      steps.forEach((name) => result.set(name, 'done'));
      return { steps, result, current: null };
    }
    let current = null;
    if (s) {
      for (const name of Array.isArray(s.completed_steps) ? s.completed_steps : []) {
        if (result.has(str(name))) result.set(str(name), 'done');
      }
      current = s.current_step ? str(s.current_step) : null;
    } else if (w.pending_activity && result.has(str(w.pending_activity.activity_type))) {
      // No state query answer: infer from the activity that is running.
      current = str(w.pending_activity.activity_type);
      for (const name of steps) {
        if (name === current) break;
        result.set(name, 'done');
      }
    }
    // Steps the event history proves done, when the transfer could not say so itself (no
    // worker answered its Query, or its workflow task keeps failing after a step).
    for (const name of Array.isArray(w.history_completed_steps) ? w.history_completed_steps : []) {
      if (result.has(str(name))) result.set(str(name), 'done');
    }
    if (w.status === 'RUNNING') {
      if (!current || !result.has(current) || result.get(current) === 'done') {
        current = steps.find((name) => result.get(name) !== 'done') || null;
      }
      if (current) result.set(current, 'current');
    }
    return { steps, result, current };
  }

  function buildSteps(w) {
    const { steps, result, current } = stepStates(w);
    const retrying = Boolean(w.pending_activity && Number(w.pending_activity.attempt) > 1);
    const list = el('ol', { class: 'steps', 'aria-label': 'Progress' });
    steps.forEach((name, i) => {
      const status = result.get(name);
      const item = el('li', {
        class: 'step ' + status + (status === 'current' && retrying ? ' retrying' : ''),
        'aria-current': status === 'current' ? 'step' : null,
      });
      item.dataset.step = name;
      item.appendChild(el('span', { class: 'step-marker', 'aria-hidden': 'true' }, status === 'done' ? '✓' : String(i + 1)));
      item.appendChild(el('span', { class: 'step-label' }, STEP_LABELS[name] || name));
      list.appendChild(item);
    });
    return { list, current };
  }

  function buildRetryInfo(w, current) {
    const pa = w.pending_activity;
    if (!pa || typeof pa !== 'object') return null;
    const box = el('div', { class: 'retry-info' + (Number(pa.attempt) > 1 ? ' retrying' : '') });
    const line = el('div', { class: 'retry-line' });
    const stepName = STEP_LABELS[current] || STEP_LABELS[str(pa.activity_type)] || str(pa.activity_type) || 'Activity';
    line.appendChild(el('span', { class: 'retry-step' }, stepName));
    line.appendChild(el('span', { class: 'attempt' }, 'attempt ' + str(pa.attempt)));
    if (typeof pa.next_retry_in_secs === 'number' && Number.isFinite(pa.next_retry_in_secs)) {
      line.appendChild(el('span', { class: 'next-retry' }, 'next retry in ' + Math.max(0, Math.ceil(pa.next_retry_in_secs)) + ' s'));
    }
    box.appendChild(line);
    if (pa.last_failure) {
      box.appendChild(el('div', { class: 'last-failure' },
        el('span', { class: 'last-failure-label' }, 'Last failure: '), str(pa.last_failure)));
    }
    return box;
  }

  // The workflow's own code keeps failing (a workflow task, not an activity): Temporal
  // retries it until a fixed worker runs it, and the transfer waits where it was.
  function buildTaskFailure(w) {
    if (!w.workflow_task_failing) return null;
    return el('div', { class: 'retry-info retrying task-failing' },
      el('div', { class: 'retry-line' },
        el('span', { class: 'retry-step' }, 'Workflow code failing'),
        el('span', { class: 'attempt' }, 'workflow task attempt ' + str(w.workflow_task_failing.attempt))),
      w.error ? el('div', { class: 'last-failure' }, str(w.error)) : null);
  }

  // No worker answered the transfer's Query: it waits where it is until a worker runs.
  function buildNoWorker(w) {
    if (w.status !== 'RUNNING' || w.workflow_task_failing || w.state || !w.error) return null;
    return el('div', { class: 'retry-info retrying no-worker' },
      el('div', { class: 'retry-line' }, el('span', { class: 'retry-step' }, 'Waiting for a worker')),
      el('div', { class: 'last-failure' }, str(w.error)));
  }

  function buildCard(w) {
    const card = el('article', { class: 'workflow-card' });
    card.dataset.workflowId = str(w.workflow_id);
    const head = el('div', { class: 'card-head' },
      el('span', { class: 'route' }, accountLabel(w.from_account), el('span', { class: 'arrow' }, ' → '), accountLabel(w.to_account)),
      el('span', { class: 'amount' }, money(w.amount)));
    card.appendChild(head);
    card.appendChild(el('div', { class: 'wf-id', title: str(w.workflow_id) }, str(w.workflow_id)));
    const { list, current } = buildSteps(w);
    card.appendChild(list);
    const retry = buildRetryInfo(w, current);
    if (retry) card.appendChild(retry);
    const stuck = buildTaskFailure(w) || buildNoWorker(w);
    if (stuck) card.appendChild(stuck);
    const foot = el('div', { class: 'card-foot' }, el('span', { class: 'muted' }, 'started ', timeElement(w.start_time)));
    const link = webUiLink(w);
    if (link) foot.appendChild(link);
    card.appendChild(foot);
    return card;
  }

  function workflowKey(w) {
    return str(w.workflow_id) + '\u0000' + str(w.start_time);
  }

  function renderActive(active) {
    const container = byId('active-workflows');
    const next = new Map();
    const frag = document.createDocumentFragment();
    for (const w of active) {
      const key = workflowKey(w);
      const sig = JSON.stringify(w);
      let entry = activeCache.get(key);
      if (!entry || entry.sig !== sig || next.has(key)) entry = { sig, node: buildCard(w) };
      next.set(key, entry);
      frag.appendChild(entry.node);
    }
    container.replaceChildren(frag);
    activeCache = next;
    byId('active-empty').hidden = active.length > 0;
    byId('active-count').textContent = active.length ? '(' + active.length + ')' : '';
  }

  // ---------------------------------------------------------------- history

  function resultText(result) {
    if (result === null || result === undefined) return '';
    if (typeof result !== 'object') return str(result);
    const keys = Object.keys(result);
    const moneyKey = (k) => /balance|amount|total|change/i.test(k);
    if (keys.length === 2 && 'from_new_balance' in result && 'to_new_balance' in result) {
      return 'New balances: from ' + money(result.from_new_balance) + ', to ' + money(result.to_new_balance);
    }
    return keys.map((k) => {
      const v = result[k];
      let shown;
      if (typeof v === 'number' && moneyKey(k)) shown = money(v);
      else if (v !== null && typeof v === 'object') shown = JSON.stringify(v);
      else shown = str(v);
      return k + ': ' + shown;
    }).join(', ');
  }

  function finishedTime(w) {
    const d = parseTime(w.close_time) || parseTime(w.start_time);
    return d ? d.getTime() : 0;
  }

  function buildHistoryRow(w) {
    const row = el('li', { class: 'history-row status-' + str(w.status).toLowerCase() });
    row.dataset.workflowId = str(w.workflow_id);
    row.dataset.status = str(w.status);
    const main = el('div', { class: 'row-main' },
      statusBadge(w.status),
      el('span', { class: 'route' }, accountLabel(w.from_account), el('span', { class: 'arrow' }, ' → '), accountLabel(w.to_account)),
      el('span', { class: 'amount' }, money(w.amount)));
    row.appendChild(main);
    const meta = el('div', { class: 'meta muted' },
      el('span', { class: 'wf-id', title: str(w.workflow_id) }, str(w.workflow_id)),
      el('span', { class: 'times' }, 'started ', timeElement(w.start_time),
        w.close_time ? [' · closed ', timeElement(w.close_time)] : null));
    const took = durationText(w.start_time, w.close_time);
    if (took) meta.appendChild(el('span', { class: 'took' }, 'took ' + took));
    row.appendChild(meta);
    if (w.error) {
      row.appendChild(el('div', { class: 'outcome error-text' }, str(w.error)));
    } else if (w.result !== null && w.result !== undefined) {
      row.appendChild(el('div', { class: 'outcome result-text' }, resultText(w.result)));
    }
    const link = webUiLink(w);
    if (link) row.appendChild(el('div', { class: 'row-links' }, link));
    return row;
  }

  function renderHistory(finished) {
    const sorted = finished
      .map((w, i) => ({ w, i, t: finishedTime(w) }))
      .sort((a, b) => (b.t - a.t) || (a.i - b.i))
      .map((x) => x.w);
    const shown = sorted.slice(0, HISTORY_LIMIT);
    const next = new Map();
    const frag = document.createDocumentFragment();
    for (const w of shown) {
      const key = workflowKey(w);
      const sig = JSON.stringify(w);
      let entry = historyCache.get(key);
      if (!entry || entry.sig !== sig || next.has(key)) entry = { sig, node: buildHistoryRow(w) };
      next.set(key, entry);
      frag.appendChild(entry.node);
    }
    byId('workflow-history').replaceChildren(frag);
    historyCache = next;
    byId('history-empty').hidden = finished.length > 0;
    byId('history-count').textContent = finished.length ? '(' + finished.length + ')' : '';
    const note = byId('history-note');
    if (finished.length > HISTORY_LIMIT) {
      note.textContent = 'Showing ' + HISTORY_LIMIT + ' of ' + finished.length + ' finished workflows (newest first).';
      note.hidden = false;
    } else {
      note.hidden = true;
      note.textContent = '';
    }
  }

  // ---------------------------------------------------------------- real world mode

  function renderRealWorldMode(enabled) {
    const box = byId('real-world-mode');
    box.checked = enabled;
    const label = byId('rwm-state');
    label.textContent = enabled ? 'ON' : 'OFF';
    label.classList.toggle('on', enabled);
    document.body.classList.toggle('rwm-on', enabled);
  }

  async function onRealWorldModeChange(event) {
    const box = event.currentTarget;
    const wanted = box.checked;
    state.rwmBusy = true;
    box.disabled = true;
    try {
      const { data, text } = await api('/api/real-world-mode', { body: { enabled: wanted } });
      state.last.rwm = text;
      const enabled = Boolean(data && data.enabled);
      renderRealWorldMode(enabled);
      showMessage('info', 'Real World Mode is ' + (enabled ? 'ON: about half of the withdraw and deposit calls will fail.' : 'OFF: the bank API behaves.'));
    } catch (err) {
      renderRealWorldMode(!wanted);
      showMessage('error', 'Could not change Real World Mode: ' + err.message);
    } finally {
      state.rwmBusy = false;
      box.disabled = false;
    }
  }

  // ---------------------------------------------------------------- actions

  function parseAmount(text) {
    const trimmed = text.trim();
    const n = Number(trimmed);
    // Anything that is not a plain number goes to the server as typed, so that the
    // server explains what is wrong with it.
    return trimmed !== '' && /^[+-]?(\d+\.?\d*|\.\d+)$/.test(trimmed) && Number.isFinite(n) ? n : trimmed;
  }

  // Every transfer the person means gets one Idempotency-Key, kept until the server answers:
  // a retry, or the same form sent again after no answer, reuses it, and the server starts
  // the transfer once (the same idempotency the bank needs, at the front door).
  function newKey() {
    const bytes = crypto.getRandomValues(new Uint8Array(16)); // randomUUID needs https
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  let unanswered = null; // { body, key } of the form's transfer still waiting for an answer

  function formKey(body) {
    const text = JSON.stringify(body);
    if (!unanswered || unanswered.body !== text) unanswered = { body: text, key: newKey() };
    return unanswered.key;
  }

  // Sends the transfer, and again with the same key if no answer came (network, 5xx).
  async function startTransfer(from, to, amount, key) {
    const body = { from_account: from, to_account: to, amount };
    for (let attempt = 1; ; attempt++) {
      try {
        const { data } = await api('/api/transfer', { body, headers: { 'Idempotency-Key': key } });
        return str(data && data.workflow_id);
      } catch (err) {
        if ((err.status && err.status < 500) || attempt >= 3) throw err;
        await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      }
    }
  }

  async function onTransferSubmit(event) {
    event.preventDefault();
    const button = byId('transfer-submit');
    const from = byId('from-account').value;
    const to = byId('to-account').value;
    const amount = parseAmount(byId('amount').value);
    button.disabled = true;
    const key = formKey({ from, to, amount });
    try {
      const id = await startTransfer(from, to, amount, key);
      unanswered = null;
      showMessage('ok', 'Started transfer ', el('code', null, id));
      poll(true);
    } catch (err) {
      if (err.status) unanswered = null; // answered (a refusal): nothing was started
      showMessage('error', err.message);
    } finally {
      button.disabled = false;
    }
  }

  async function onDailyBatch() {
    const button = byId('daily-batch');
    button.disabled = true;
    showMessage('info', 'Starting the daily batch…');
    const started = [];
    const failed = [];
    try {
      // All five at once: each start waits on Temporal, so one after the other adds up.
      const results = await Promise.allSettled(
        DAILY_BATCH.map(([from, to]) => startTransfer(from, to, DAILY_AMOUNT, newKey())),
      );
      results.forEach((result, i) => {
        const [from, to] = DAILY_BATCH[i];
        if (result.status === 'fulfilled') {
          started.push(result.value);
        } else {
          failed.push(from + ' → ' + to + ': ' + result.reason.message);
        }
      });
    } finally {
      button.disabled = false;
    }
    if (!failed.length) {
      showMessage('ok', 'Started daily batch: ' + started.length + ' transfers of ' + money(DAILY_AMOUNT) + '.');
    } else {
      showMessage('error', 'Started ' + started.length + ' of ' + DAILY_BATCH.length + ' transfers. ' + failed.join('; '));
    }
    poll(true);
  }

  async function onReset() {
    const sure = window.confirm('Reset the database? All balances go back to their starting values.');
    if (!sure) return;
    const button = byId('reset');
    button.disabled = true;
    try {
      await api('/api/reset', { body: {} });
      state.balances = new Map();
      showMessage('ok', 'Database reset: balances are back to their starting values.');
    } catch (err) {
      showMessage('error', 'Reset failed: ' + err.message);
    } finally {
      button.disabled = false;
    }
    poll(true);
  }

  function onAccountsClick(event) {
    const row = event.target.closest('tr.account-row');
    if (!row) return;
    openAccount(row.dataset.account);
  }

  function onAccountsKey(event) {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    const row = event.target.closest('tr.account-row');
    if (!row) return;
    event.preventDefault();
    openAccount(row.dataset.account);
  }

  // ---------------------------------------------------------------- start

  function init() {
    byId('real-world-mode').addEventListener('change', onRealWorldModeChange);
    byId('daily-batch').addEventListener('click', onDailyBatch);
    byId('refresh').addEventListener('click', () => poll(true));
    byId('reset').addEventListener('click', onReset);
    byId('transfer-form').addEventListener('submit', onTransferSubmit);
    const accounts = byId('accounts');
    accounts.addEventListener('click', onAccountsClick);
    accounts.addEventListener('keydown', onAccountsKey);
    byId('account-history-close').addEventListener('click', closeAccount);
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && state.selectedAccount) closeAccount();
    });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') poll(false);
    });
    byId('active-empty').hidden = false;
    byId('history-empty').hidden = false;
    poll(true);
    window.setInterval(() => poll(false), POLL_MS);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();

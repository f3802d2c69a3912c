// The Pygmy cluster dashboard: polls /api/cluster once a second (one request in flight at most) and
// redraws. In a local cluster (`pygmy up`) it offers kill and restart buttons behind the admin token.
'use strict';

const POLL_MILLIS = 1000;
const TIMEOUT_MILLIS = 3000;
const HISTORY = 120; // chart points: two minutes at one poll a second
const TOKEN_KEY = 'pygmy.adminToken';
const history = new Map(); // route -> [{t, p50, p99}]
let nodeControl = false;
let lastOk = 0;
let busyNode = null;

const $ = (id) => document.getElementById(id);

function duration(millis) {
  if (millis === undefined || millis === null) return '—';
  const s = Math.floor(millis / 1000);
  if (s < 60) return s + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
  return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
}

const fmt = (n, digits = 1) => (n === undefined || n === null || Number.isNaN(n)) ? '—' : Number(n).toFixed(digits);
const token = () => sessionStorage.getItem(TOKEN_KEY);

// ------------------------------------------------------------------ polling

async function poll() {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MILLIS);
  try {
    const r = await fetch('/api/cluster', { signal: controller.signal, headers: { Accept: 'application/json' } });
    if (!r.ok) throw new Error('the frontend answered ' + r.status);
    render(await r.json());
    lastOk = Date.now();
    $('live').classList.remove('stale');
    $('live-text').textContent = 'Live · updated ' + new Date().toLocaleTimeString();
  } catch (e) {
    $('live').classList.add('stale');
    $('live-text').textContent = 'Frontend not answering (' + (e.name === 'AbortError' ? 'timeout' : e.message)
      + ')' + (lastOk ? ', last update ' + new Date(lastOk).toLocaleTimeString() : '') + ' · retrying';
  } finally {
    clearTimeout(timer);
    setTimeout(poll, POLL_MILLIS);
  }
}

function render(data) {
  nodeControl = !!data.nodeControl;
  $('controls').hidden = !nodeControl;
  renderControls();
  renderNodes(data.nodes || []);
  renderCache(data.cache || {});
  renderBuys(data.buys || {});
  renderTraffic(data.traffic || []);
}

// ------------------------------------------------------------------ nodes

function renderNodes(nodes) {
  const unlocked = nodeControl && !!token();
  $('actions-head').hidden = !unlocked;
  const leaders = {}; // service -> the healthy replica reporting itself leader
  for (const n of nodes) if (n.healthy && n.role === 'LEADER') leaders[n.service] = n.name;
  const rows = nodes.map((n) => {
    const down = !n.healthy;
    const role = down ? 'DOWN' : (n.role || 'UNKNOWN');
    const replica = n.service === 'catalog' || n.service === 'order';
    const actions = unlocked ? h('td', {}, replica ? [
      h('button', { type: 'button', class: 'danger', 'data-action': 'kill', 'data-node': n.name,
        disabled: down || busyNode !== null, onclick: () => act('kill', n.name), 'aria-label': 'Kill ' + n.name }, 'Kill'),
      ' ',
      h('button', { type: 'button', class: 'secondary', 'data-action': 'start', 'data-node': n.name,
        disabled: !down || busyNode !== null, onclick: () => act('start', n.name), 'aria-label': 'Start ' + n.name }, 'Start'),
    ] : h('span', { class: 'meta' }, 'serves this page')) : null;
    return h('tr', { 'data-node': n.name, 'data-role': role, 'data-healthy': String(!!n.healthy), class: down ? 'down' : null },
      h('th', { scope: 'row' }, n.name),
      h('td', {}, n.service),
      h('td', { class: 'role-' + role, title: down && n.role && n.role !== 'UNKNOWN' ? 'last seen as ' + n.role : null },
        role.toLowerCase()),
      h('td', { class: 'num' }, n.term ?? '—'),
      h('td', {}, replica && !down ? (n.leader ?? leaders[n.service] ?? 'none known') : '—'),
      h('td', { class: 'num' }, n.commitIndex ?? '—'),
      h('td', { class: 'num' }, n.appliedIndex ?? '—'),
      h('td', {}, h('span', { class: 'badge ' + (down ? 'bad' : 'ok'), title: n.error || null },
        down ? 'unhealthy' : 'healthy')),
      h('td', { class: 'num' }, n.lastHeartbeatMillisAgo !== undefined ? duration(n.lastHeartbeatMillisAgo) + ' ago'
        : (n.service === 'frontend' ? 'self' : '—')),
      h('td', { class: 'num' }, down ? '—' : duration(n.uptimeMillis)),
      h('td', { class: 'num' }, down ? '—' : (n.pid ?? '—')),
      actions);
  });
  patchRows($('nodes').tBodies[0], rows);
}

/**
 * Puts the fresh rows in place without rebuilding what did not change, so the row a person is on keeps
 * its keyboard focus across polls: a cell holding the focused button only has its buttons' state updated.
 */
function patchRows(body, rows) {
  const old = new Map([...body.rows].filter((r) => r.dataset.node).map((r) => [r.dataset.node, r]));
  if (old.size !== rows.length || rows.some((r) => !old.has(r.dataset.node))) {
    body.replaceChildren(...rows);
    return;
  }
  rows.forEach((fresh, i) => {
    const row = old.get(fresh.dataset.node);
    if (body.rows[i] !== row) body.insertBefore(row, body.rows[i] || null);
    for (const attr of ['data-role', 'data-healthy', 'class']) {
      if (fresh.hasAttribute(attr)) row.setAttribute(attr, fresh.getAttribute(attr)); else row.removeAttribute(attr);
    }
    const cells = [...fresh.cells];
    while (row.cells.length > cells.length) row.deleteCell(-1);
    cells.forEach((cell, c) => {
      const mine = row.cells[c];
      if (!mine) { row.append(cell); return; }
      if (mine.outerHTML === cell.outerHTML) return;
      if (mine.contains(document.activeElement) && mine.querySelectorAll('button').length === cell.querySelectorAll('button').length) {
        const buttons = cell.querySelectorAll('button');
        mine.querySelectorAll('button').forEach((b, k) => { b.disabled = buttons[k].disabled; });
        return;
      }
      row.replaceChild(cell, mine);
    });
  });
}

// ------------------------------------------------------------------ cache, buys, traffic

function figure(label, value, id) {
  return h('div', {}, h('strong', { id }, value), h('span', { class: 'meta' }, label));
}

function renderCache(c) {
  $('cache').replaceChildren(
    figure('entries', c.entries ?? '—', 'cache-entries'),
    figure('hit ratio', c.hitRatio === undefined ? '—' : fmt(100 * c.hitRatio, 1) + ' %', 'cache-hit-ratio'),
    figure('invalidations', c.invalidations ?? '—', 'cache-invalidations'),
    figure('hits / misses', (c.hits ?? '—') + ' / ' + (c.misses ?? '—')),
    h('p', { class: 'meta', id: 'cache-state' }, c.enabled === false ? 'The cache is switched off.'
      : c.leaseValid === false ? 'Serving from the catalog: the cache lease lapsed (a catalog replica is not renewing it).'
      : 'Serving reads from the cache.'));
}

function renderBuys(b) {
  $('buys').replaceChildren(
    figure('confirmed', b.confirmed ?? 0, 'buys-confirmed'),
    figure('rejected (out of stock)', b.rejected ?? 0, 'buys-rejected'),
    figure('failed', b.failed ?? 0, 'buys-failed'));
}

function renderTraffic(routes) {
  const now = Date.now();
  for (const r of routes) {
    if (!history.has(r.route)) history.set(r.route, []);
  }
  for (const [route, points] of history) {
    const r = routes.find((x) => x.route === route);
    points.push({ t: now, p50: r ? r.latencyMillisP50 : null, p99: r ? r.latencyMillisP99 : null });
    while (points.length > HISTORY) points.shift();
  }
  const body = $('traffic').tBodies[0];
  if (routes.length === 0) {
    body.replaceChildren(h('tr', {}, h('td', { colspan: 5, class: 'state' }, 'No traffic in the last 10 s.')));
  } else {
    body.replaceChildren(...routes.map((r) => h('tr', { 'data-route': r.route },
      h('th', { scope: 'row', class: 'mono' }, r.route),
      h('td', { class: 'num' }, fmt(r.requestsPerSecond, 1)),
      h('td', { class: 'num' }, fmt(r.latencyMillisP50, 2)),
      h('td', { class: 'num' }, fmt(r.latencyMillisP99, 2)),
      h('td', { class: 'num' }, r.errors))));
  }
  updateRouteChoice(routes);
  drawChart();
}

let routeChosen = false; // once a person picks a route, the chart stays on it
$('chart-route').addEventListener('change', () => { routeChosen = true; drawChart(); });

/** Until a person picks one, the chart follows the busiest route other than this page's own polling. */
function updateRouteChoice(routes) {
  const select = $('chart-route');
  const known = [...history.keys()].sort();
  const current = select.value;
  if (select.options.length !== known.length) {
    select.replaceChildren(...known.map((r) => h('option', { value: r }, r)));
  }
  const own = (r) => r === 'GET /api/cluster' || r.endsWith(' static') || r === 'GET /metrics';
  const busiest = routes.filter((r) => !own(r.route)).sort((a, b) => b.requests - a.requests)[0];
  const choice = routeChosen && known.includes(current) ? current
    : busiest ? busiest.route : (known.includes(current) ? current : known[0]);
  if (choice) select.value = choice;
}

// ------------------------------------------------------------------ chart (hand-written SVG)

function drawChart() {
  const svg = $('chart');
  const points = history.get($('chart-route').value) || [];
  const W = 900, H = 200, left = 64, bottom = 18, top = 10;
  const values = points.flatMap((p) => [p.p50, p.p99]).filter((v) => v !== null);
  const max = niceMax(Math.max(1, ...values));
  const x = (i) => left + (W - left - 4) * (HISTORY === 1 ? 0 : (i + HISTORY - points.length) / (HISTORY - 1));
  const y = (v) => top + (H - top - bottom) * (1 - v / max);
  const ns = 'http://www.w3.org/2000/svg';
  const el = (tag, attrs) => {
    const e = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    return e;
  };
  const grid = el('g', { class: 'grid' });
  for (const f of [0, 0.5, 1]) {
    grid.append(el('line', { x1: left, x2: W, y1: y(max * f), y2: y(max * f) }));
    const label = el('text', { x: left - 6, y: y(max * f) + 4, 'text-anchor': 'end' });
    label.textContent = max * f >= 1000 ? fmt(max * f / 1000, 1) + ' s' : fmt(max * f, max * f < 10 ? 1 : 0) + ' ms';
    grid.append(label);
  }
  const path = (key) => {
    let d = '';
    let pen = false;
    points.forEach((p, i) => {
      if (p[key] === null) { pen = false; return; }
      d += (pen ? 'L' : 'M') + x(i).toFixed(1) + ' ' + y(p[key]).toFixed(1) + ' ';
      pen = true;
    });
    return el('path', { d: d.trim() || 'M0 0', class: key });
  };
  const axis = el('text', { x: W - 4, y: H - 4, 'text-anchor': 'end' });
  axis.textContent = 'now';
  const from = el('text', { x: left, y: H - 4 });
  from.textContent = '−2 min';
  svg.replaceChildren(grid, path('p50'), path('p99'), axis, from);
  const last = points.length ? points[points.length - 1] : null;
  svg.setAttribute('aria-label', 'Latency of ' + ($('chart-route').value || 'no route') + (last && last.p50 !== null
    ? ': p50 ' + fmt(last.p50, 2) + ' ms, p99 ' + fmt(last.p99, 2) + ' ms' : ': no recent requests'));
}

function niceMax(v) {
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

// ------------------------------------------------------------------ node controls

function renderControls() {
  const unlocked = !!token();
  $('token-form').hidden = unlocked;
  $('controls-state').replaceChildren(unlocked
    ? h('span', {}, 'Unlocked: Kill sends SIGKILL to a replica; Start brings it back with its own data. ',
      h('button', { type: 'button', class: 'secondary', id: 'lock', onclick: lock }, 'Forget token'))
    : 'Enter the admin token to kill and restart replicas. It is kept in this tab only.');
}

function lock() {
  sessionStorage.removeItem(TOKEN_KEY);
  renderControls();
}

$('token-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const value = $('admin-token').value.trim();
  if (!value) return;
  // A kill of a node that does not exist checks the token and acts on nothing: 404 means accepted.
  const r = await fetch('/api/admin/nodes/-/kill', { method: 'POST', headers: { Authorization: 'Bearer ' + value } });
  if (r.status === 401) {
    $('action-result').textContent = 'That token was refused.';
    $('admin-token').select();
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, value);
  $('admin-token').value = '';
  $('action-result').textContent = 'Token accepted.';
  renderControls();
});

async function act(action, name) {
  busyNode = name;
  $('action-result').textContent = (action === 'kill' ? 'Killing ' : 'Starting ') + name + '…';
  try {
    const r = await fetch('/api/admin/nodes/' + encodeURIComponent(name) + '/' + action,
      { method: 'POST', headers: { Authorization: 'Bearer ' + token() } });
    const body = await r.json().catch(() => ({}));
    if (r.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      $('action-result').textContent = 'The admin token was refused; enter it again.';
    } else if (!r.ok) {
      $('action-result').textContent = 'Could not ' + action + ' ' + name + ': '
        + ((body.error && body.error.message) || r.status) + (body.error && body.error.requestId ? ' (request ' + body.error.requestId + ')' : '');
    } else {
      $('action-result').textContent = name + ': ' + body.outcome + (body.pid ? ' (pid ' + body.pid + ')' : '')
        + (action === 'kill' ? '. Watch the others elect a leader.' : '. Watch it catch up.');
    }
  } catch (e) {
    $('action-result').textContent = 'Could not reach the frontend: ' + e.message;
  } finally {
    busyNode = null;
  }
}

poll();

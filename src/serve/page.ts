/**
 * The live lab's page: one self-contained document (no build step, no external request), so the
 * package serves it as it is installed. Three views — a live lifetime, a meta-RL episode, the run
 * browser — over the HTTP API of server.ts.
 *
 * Rendering never keeps pace with ticks: events only update plain state, and one requestAnimationFrame
 * callback draws the newest state at most once per frame, so a fast simulation costs the page parsing,
 * not drawing. `window.steeredLab` exposes that state (what the page received and showed) for tests and
 * for people poking at the console.
 */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>steered — live lab</title>
<style>
  :root { --fg:#1d232b; --mute:#6b7480; --line:#d9dde3; --bg:#f7f8fa; --accent:#2563eb; --warn:#b45309; --bad:#b91c1c; --good:#15803d; }
  * { box-sizing: border-box; }
  body { margin:0; font: 13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color:var(--fg); background:var(--bg); }
  header { display:flex; gap:16px; align-items:center; padding:8px 16px; background:#fff; border-bottom:1px solid var(--line); }
  header h1 { font-size:15px; margin:0; }
  nav a { margin-right:12px; color:var(--mute); text-decoration:none; font-weight:600; }
  nav a.on { color:var(--accent); }
  main { padding:12px 16px; }
  section.view { display:none; }
  section.view.on { display:block; }
  .row { display:flex; gap:12px; flex-wrap:wrap; align-items:flex-start; }
  .card { background:#fff; border:1px solid var(--line); border-radius:6px; padding:8px 10px; margin-bottom:12px; }
  .card h2 { font-size:12px; text-transform:uppercase; letter-spacing:.04em; color:var(--mute); margin:0 0 6px; }
  button { font:inherit; padding:3px 9px; border:1px solid var(--line); border-radius:4px; background:#fff; cursor:pointer; }
  button:hover { border-color:var(--accent); }
  button.primary { background:var(--accent); color:#fff; border-color:var(--accent); }
  input, select { font:inherit; padding:2px 4px; border:1px solid var(--line); border-radius:4px; }
  input[type=number] { width:70px; }
  table { border-collapse:collapse; }
  td, th { padding:2px 8px 2px 0; text-align:left; font-variant-numeric:tabular-nums; }
  th { color:var(--mute); font-weight:600; }
  .mute { color:var(--mute); }
  .bar { display:inline-block; height:8px; background:var(--accent); vertical-align:middle; }
  #error { color:var(--bad); min-height:1.4em; }
  #grid { background:#fff; user-select:none; }
  #grid .obj { cursor:pointer; }
  .pill { display:inline-block; padding:0 6px; border-radius:8px; background:#eef2ff; margin:0 4px 2px 0; }
  .pill.reflex { background:#fee2e2; }
  .controls > * { margin:0 4px 4px 0; }
  #log { max-height:160px; overflow:auto; font-family:ui-monospace, monospace; font-size:12px; }
  canvas { display:block; }
</style>
</head>
<body>
<header>
  <h1>steered · live lab</h1>
  <nav><a href="#live" data-view="live">Live</a><a href="#metarl" data-view="metarl">Meta-RL</a><a href="#runs" data-view="runs">Runs</a></nav>
  <span id="version" class="mute"></span>
  <span id="error" role="alert"></span>
</header>
<main>
<div id="login" class="card" style="display:none">
  <h2>Token</h2>
  This server needs its token (printed where it was started).
  <input id="token-input" size="40" autocomplete="off"> <button id="token-save" class="primary">Use</button>
</div>

<section id="view-live" class="view">
  <div class="card">
    <h2>Start a lifetime</h2>
    <div class="controls">
      <label>experiment <select id="experiment"></select></label>
      <span class="mute">or</span>
      <label>world <input id="world-path" size="26" placeholder="data/worlds/….world"></label>
      <label>steering <input id="steering-path" size="26" placeholder="data/steering/default.steer"></label>
      <label>seed <input id="seed" type="number" min="0" value="0"></label>
      <label><input id="planning" type="checkbox" checked> planning</label>
      <button id="start" class="primary">Start</button>
      <span class="mute">running:</span> <span id="lifetimes"></span>
    </div>
  </div>
  <div id="live-body" style="display:none">
    <div class="card controls">
      <strong>showing tick <span id="shown">0</span>, simulation at tick <span id="simtick">0</span></strong>
      <span class="mute"><span id="rate">0</span> ticks/s · <span id="fps">0</span> frames/s · <span id="state-text"></span></span>
      <label><input id="freeze" type="checkbox"> freeze plots</label>
      <br>
      <button id="pause">Pause</button><button id="resume">Resume</button>
      <button id="step1">Step 1</button><input id="stepn" type="number" min="1" value="10"><button id="stepN">Step N</button>
      <label>speed <input id="speed" type="number" min="0" value="0" title="ticks per second; 0 = as fast as it goes"></label><button id="speed-set">Set</button>
      <input id="reward-value" type="number" step="0.5" value="1"><button id="give-reward">Give reward</button>
      <input id="seize-value" type="number" step="0.5" value="1"><button id="seize-on">Seize reward</button><button id="seize-off">Repair</button>
      <button id="checkpoint">Checkpoint</button><button id="stop">Stop</button>
      <br>
      <span id="switches"></span>
      <label>place <select id="place-object"></select></label>
      <label><input id="place-mode" type="checkbox"> click a cell to place</label>
      <button id="place-remove">Remove all</button>
    </div>
    <div class="row">
      <div class="card">
        <h2>World <span class="mute" id="room"></span></h2>
        <svg id="grid" width="360" height="360"></svg>
        <div class="mute">Click an object to <select id="click-mode"><option value="goal">inject it as a goal (fitted probe)</option><option value="name">name it (show it; no probe)</option></select>. Paths: the planner's best imagined futures.</div>
      </div>
      <div>
        <div class="card"><h2>Action</h2><div id="action"></div></div>
        <div class="card"><h2>Body</h2><table id="body"></table></div>
        <div class="card"><h2>Reactions firing</h2><div id="fired"></div></div>
        <div class="card"><h2>Goals</h2><div id="goals"></div></div>
        <div class="card"><h2>Memory</h2><div id="recalled"></div></div>
      </div>
      <div>
        <div class="card"><h2>Assessors: prediction and gain, per mode</h2><table id="outputs"></table></div>
        <div class="card"><h2>Plans</h2><table id="plans"></table></div>
      </div>
    </div>
    <div class="card">
      <h2>Reward <span style="color:#15803d">━</span> · dopamine <span style="color:#2563eb">━</span> · value <span style="color:#b45309">━</span> · the overseer's reward ▲ (last 600 ticks)</h2>
      <canvas id="trace" width="900" height="160"></canvas>
    </div>
    <div class="card"><h2>Commands applied</h2><div id="log"></div></div>
  </div>
</section>

<section id="view-metarl" class="view">
  <div class="card controls">
    <label>experiment <select id="mr-experiment"></select></label>
    <label>seed <input id="mr-seed" type="number" min="0" value="0"></label>
    <button id="mr-play" class="primary">Play an episode</button>
    <span>trial <span id="mr-trial">0</span> / <span id="mr-total">0</span></span>
    <span id="mr-done" class="mute"></span>
  </div>
  <div class="row">
    <div class="card"><h2>Arm probabilities (policy, solid) and the Bayes posterior mean (dashed)</h2><canvas id="mr-policy" width="560" height="200"></canvas>
      <h2>Choices (dot per trial, filled = rewarded)</h2><canvas id="mr-choices" width="560" height="90"></canvas></div>
    <div class="card"><h2>LSTM state, first two principal components</h2><canvas id="mr-pca" width="280" height="280"></canvas>
      <div id="mr-summary" class="mute"></div></div>
  </div>
</section>

<section id="view-runs" class="view">
  <div class="card">
    <h2>Runs <button id="runs-refresh">Refresh</button></h2>
    <table id="runs-table"><thead><tr><th></th><th>experiment</th><th>seed</th><th>status</th><th>created</th><th>config</th><th>final metrics</th></tr></thead><tbody></tbody></table>
  </div>
  <div class="card" id="runs-plot-card" style="display:none">
    <h2>Curves <select id="runs-metric"></select></h2>
    <canvas id="runs-plot" width="900" height="260"></canvas>
    <div id="runs-legend"></div>
    <div id="runs-figures"></div>
  </div>
</section>
</main>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
let TOKEN = params.get('token') || sessionStorage.getItem('steered.token') || '';
if (TOKEN) sessionStorage.setItem('steered.token', TOKEN);
const COLORS = ['#2563eb', '#15803d', '#b45309', '#9333ea', '#dc2626', '#0891b2', '#4d7c0f', '#be185d'];

// What the page has received and shown; tests read it, people can too.
const lab = window.steeredLab = {
  lifetime: null, world: null, latest: null, shownTick: 0, simTick: 0, firstTick: null, resumedFrom: null,
  gaps: 0, ticksReceived: 0, frames: 0, fps: 0, rewards: {}, commands: [], state: null, ended: null,
  metarl: { played: 0, total: 0, done: false }, runs: [],
};

function showError(msg) { $('error').textContent = msg || ''; }
async function api(path, opts) {
  const o = opts || {};
  const headers = { 'content-type': 'application/json' };
  if (TOKEN) headers.authorization = 'Bearer ' + TOKEN;
  const res = await fetch(path, { method: o.method || 'GET', headers, body: o.body === undefined ? undefined : JSON.stringify(o.body) });
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = { error: text }; }
  if (res.status === 401) { $('login').style.display = 'block'; }
  if (!res.ok) { const m = (data && data.error) || ('HTTP ' + res.status); showError(m); throw new Error(m); }
  return data;
}
$('token-save').onclick = () => { TOKEN = $('token-input').value.trim(); sessionStorage.setItem('steered.token', TOKEN); $('login').style.display = 'none'; boot(); };

// ---------- views ----------
function route() {
  const h = location.hash.replace(/^#/, '') || 'live';
  const view = h.split('/')[0];
  for (const s of document.querySelectorAll('section.view')) s.classList.toggle('on', s.id === 'view-' + view);
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('on', a.dataset.view === view);
  if (view === 'runs') loadRuns();
  if (view === 'live') { const id = h.split('/')[1]; if (id && (!lab.lifetime || lab.lifetime !== id)) attach(id); }
}
window.addEventListener('hashchange', route);

// ---------- live ----------
let source = null, dirty = false;
const TRACE = 600;
const trace = { tick: new Int32Array(TRACE), reward: new Float32Array(TRACE), dopamine: new Float32Array(TRACE), value: new Float32Array(TRACE), human: new Float32Array(TRACE), n: 0 };

async function loadExperiments() {
  const exps = await api('/api/experiments');
  const sel = $('experiment'), mr = $('mr-experiment');
  sel.innerHTML = '<option value="">(world and steering files)</option>';
  mr.innerHTML = '';
  for (const e of exps) {
    const o = document.createElement('option'); o.value = e.id; o.textContent = e.id;
    if (e.kind === 'brain') sel.appendChild(o);
    else if (e.kind === 'metarl' && e.shipped) mr.appendChild(o);
  }
}

async function listLifetimes() {
  const ls = await api('/api/lifetimes');
  const box = $('lifetimes'); box.innerHTML = '';
  for (const l of ls.filter((x) => x.status === 'running')) {
    const a = document.createElement('a'); a.href = '#live/' + l.id; a.textContent = l.id + ' (tick ' + l.tick + ')';
    a.style.marginRight = '8px'; box.appendChild(a);
  }
}

$('start').onclick = async () => {
  showError('');
  const body = { seed: Number($('seed').value) || 0, planning: $('planning').checked };
  const exp = $('experiment').value;
  if (exp) body.experiment = exp;
  else { body.world = $('world-path').value.trim(); if ($('steering-path').value.trim()) body.steering = $('steering-path').value.trim(); }
  const r = await api('/api/lifetimes', { method: 'POST', body });
  location.hash = '#live/' + r.id;
};

async function attach(id) {
  if (source) source.close();
  lab.lifetime = id; lab.latest = null; lab.ended = null; lab.gaps = 0; lab.commands = []; lab.rewards = {};
  trace.n = 0; $('log').innerHTML = ''; gridRoom = null;
  lab.world = await api('/api/lifetimes/' + id + '/world');
  const st = await api('/api/lifetimes/' + id + '/state');
  $('experiment').value = st.config.experiment || '';
  $('seed').value = st.config.seed; $('planning').checked = st.config.planning;
  $('live-body').style.display = 'block';
  buildSwitches(); buildPlaceSelect();
  // A reload resumes after the last tick this tab showed (the server keeps a ring of recent events).
  const key = 'steered.last.' + id;
  const last = sessionStorage.getItem(key);
  lab.resumedFrom = last === null ? null : Number(last);
  lab.firstTick = null;
  const q = new URLSearchParams();
  if (last !== null) q.set('after', last);
  if (TOKEN) q.set('token', TOKEN);
  source = new EventSource('/api/lifetimes/' + id + '/events?' + q.toString());
  source.addEventListener('hello', (m) => { lab.state = JSON.parse(m.data); });
  source.addEventListener('tick', (m) => {
    const e = JSON.parse(m.data);
    if (lab.firstTick === null) lab.firstTick = e.tick;
    if (lab.latest && e.tick !== lab.latest.tick + 1) lab.gaps++;
    lab.latest = e; lab.ticksReceived++; lab.simTick = Math.max(lab.simTick, e.tick);
    if (e.human !== 0) lab.rewards[e.tick] = e.human;
    const i = trace.n % TRACE;
    trace.tick[i] = e.tick; trace.reward[i] = e.reward; trace.dopamine[i] = e.dopamine; trace.value[i] = e.value; trace.human[i] = e.human; trace.n++;
    sessionStorage.setItem(key, String(e.tick));
    dirty = true;
  });
  source.addEventListener('command', (m) => {
    const c = JSON.parse(m.data); lab.commands.push(c);
    const d = document.createElement('div');
    d.textContent = 'tick ' + c.tick + ' · ' + c.source + ' · ' + JSON.stringify(c.command) + (c.result ? ' → ' + JSON.stringify(c.result) : '');
    $('log').prepend(d);
  });
  source.addEventListener('gap', (m) => { lab.gaps++; });
  source.addEventListener('end', (m) => { lab.ended = JSON.parse(m.data); source.close(); $('state-text').textContent = 'ended (' + lab.ended.status + ')'; });
  pollState();
}

async function pollState() {
  if (!lab.lifetime) return;
  try {
    const s = await api('/api/lifetimes/' + lab.lifetime + '/state');
    lab.state = s; lab.simTick = Math.max(lab.simTick, s.tick);
    $('rate').textContent = Math.round(s.ticksPerSecond);
    if (s.status === 'running') $('state-text').textContent = s.paused ? (s.stepping ? 'stepping' : 'paused') : (s.speed ? s.speed + ' ticks/s' : 'full speed');
    for (const [k, v] of Object.entries(s.switches)) { const b = $('sw-' + k); if (b) b.checked = v; }
    renderGoals(s.goals);
  } catch (e) { /* shown in the error line */ }
}
setInterval(pollState, 500);

function buildSwitches() {
  const box = $('switches'); box.innerHTML = '';
  for (const k of ['learning', 'rewiring', 'planning', 'remember', 'empathize', 'frozen']) {
    const l = document.createElement('label'); l.style.marginRight = '8px';
    const c = document.createElement('input'); c.type = 'checkbox'; c.id = 'sw-' + k;
    c.onchange = () => command({ type: 'switch', name: k, on: c.checked });
    l.appendChild(c); l.appendChild(document.createTextNode(' ' + k)); box.appendChild(l);
  }
}
function buildPlaceSelect() {
  const sel = $('place-object'); sel.innerHTML = '';
  for (const k of lab.world.kinds) { const o = document.createElement('option'); o.value = k.name; o.textContent = k.name; sel.appendChild(o); }
}
function renderGoals(goals) {
  const box = $('goals'); const names = goals || [];
  if (box.dataset.names === names.join(',')) return;
  box.dataset.names = names.join(','); box.innerHTML = names.length ? '' : '<span class="mute">none injected</span>';
  for (const g of names) {
    const s = document.createElement('span'); s.className = 'pill'; s.textContent = g + ' ';
    const b = document.createElement('button'); b.textContent = '×'; b.title = 'remove the goal'; b.dataset.goal = g;
    b.onclick = () => command({ type: 'goal', object: g, remove: true });
    s.appendChild(b); box.appendChild(s);
  }
}

async function command(c) {
  if (!lab.lifetime) return null;
  showError('');
  const r = await api('/api/lifetimes/' + lab.lifetime + '/commands', { method: 'POST', body: Object.assign({ source: 'page' }, c) });
  lab.state = r.state; pollState();
  return r;
}
window.steeredCommand = command;
$('pause').onclick = () => command({ type: 'pause' });
$('resume').onclick = () => command({ type: 'resume' });
$('step1').onclick = () => command({ type: 'step', n: 1 });
$('stepN').onclick = () => command({ type: 'step', n: Math.max(1, Number($('stepn').value) || 1) });
$('speed-set').onclick = () => command({ type: 'speed', ticksPerSecond: Math.max(0, Number($('speed').value) || 0) });
$('give-reward').onclick = () => command({ type: 'reward', value: Number($('reward-value').value) || 0 });
$('seize-on').onclick = () => command({ type: 'seize', value: Number($('seize-value').value) || 0 });
$('seize-off').onclick = () => command({ type: 'seize', value: null });
$('checkpoint').onclick = () => command({ type: 'checkpoint' });
$('stop').onclick = () => command({ type: 'stop' });
$('place-remove').onclick = () => command({ type: 'place', object: $('place-object').value, remove: true });

// ---------- drawing (at most once per animation frame) ----------
const SVGNS = 'http://www.w3.org/2000/svg';
function el(name, attrs, parent) {
  const e = document.createElementNS(SVGNS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (parent) parent.appendChild(e);
  return e;
}
function kindColor(name) {
  const k = lab.world.kinds.find((d) => d.name === name);
  const f = k ? k.features.join(' ') : '';
  for (const c of ['blue', 'purple', 'red', 'green', 'yellow', 'orange', 'grey', 'brown', 'white', 'black'])
    if (f.indexOf(c) >= 0) return { grey: '#9ca3af', white: '#e5e7eb', brown: '#92400e', yellow: '#eab308', orange: '#f97316' }[c] || c;
  return '#6b7280';
}
// The grid's cells are built once per room; objects, the agent and the plans are updated in place, so
// an element a person is clicking is never swapped out under the pointer.
let gridRoom = null;
function drawGrid(e) {
  const W = lab.world.width, H = lab.world.height, svg = $('grid');
  const cs = Math.floor(360 / Math.max(W, H));
  if (gridRoom !== e.room) {
    gridRoom = e.room;
    svg.setAttribute('width', W * cs); svg.setAttribute('height', H * cs);
    svg.innerHTML = '';
    const walls = new Set((lab.world.rooms[e.room] || []).map((c) => c[0] + ',' + c[1]));
    const cells = el('g', { id: 'grid-cells' }, svg);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const wall = walls.has(x + ',' + y);
      const r = el('rect', { x: x * cs, y: y * cs, width: cs - 1, height: cs - 1, fill: wall ? '#374151' : '#f3f4f6', 'data-x': x, 'data-y': y, class: 'cell' }, cells);
      r.onclick = () => { if ($('place-mode').checked && !wall) command({ type: 'place', object: $('place-object').value, x, y }); };
    }
    el('g', { id: 'grid-plans', 'pointer-events': 'none' }, svg);
    el('g', { id: 'grid-objects' }, svg);
    el('rect', { id: 'agent', width: cs * 0.64, height: cs * 0.64, fill: 'none', 'stroke-width': 3, 'pointer-events': 'none' }, svg);
  }
  const plans = $('grid-plans'); plans.innerHTML = '';
  e.plans.forEach((p, i) => {
    const pts = [[e.agent.x, e.agent.y]].concat(p.cells).map((c) => (c[0] + 0.5) * cs + ',' + (c[1] + 0.5) * cs).join(' ');
    el('polyline', { points: pts, fill: 'none', stroke: COLORS[i], 'stroke-width': 3 - i * 0.7, 'stroke-opacity': 0.75 - i * 0.2, 'stroke-linejoin': 'round', class: 'plan' }, plans);
  });
  const objs = $('grid-objects'), seen = new Set();
  e.objects.forEach((o, i) => {
    const key = o.name + '#' + o.x + ',' + o.y;
    seen.add(key);
    let g = objs.querySelector('[data-key="' + key + '"]');
    if (!g) {
      const k = lab.world.kinds.find((d) => d.name === o.name);
      g = el('g', { class: 'obj', 'data-key': key, 'data-object': o.name, 'data-x': o.x, 'data-y': o.y }, objs);
      el('circle', { cx: (o.x + 0.5) * cs, cy: (o.y + 0.5) * cs, r: cs * 0.32, fill: kindColor(o.name), stroke: '#111', 'stroke-width': 1 }, g);
      const t = el('text', { x: (o.x + 0.5) * cs, y: (o.y + 0.5) * cs + 4, 'text-anchor': 'middle', 'font-size': 11, fill: '#fff', 'pointer-events': 'none' }, g);
      t.textContent = k ? k.char : '?';
      el('title', {}, g).textContent = o.name + ' — click to inject as a goal';
      g.onclick = (ev) => { ev.stopPropagation(); command({ type: $('click-mode').value, object: o.name }); };
    }
  });
  for (const g of [...objs.children]) if (!seen.has(g.dataset.key)) g.remove();
  const a = $('agent');
  a.setAttribute('x', e.agent.x * cs + cs * 0.18); a.setAttribute('y', e.agent.y * cs + cs * 0.18);
  a.setAttribute('stroke', e.reflex ? '#dc2626' : '#111');
  a.dataset.x = e.agent.x; a.dataset.y = e.agent.y;
}
function fmt(v) { return (v >= 0 ? ' ' : '') + v.toFixed(3); }
function drawPanels(e) {
  $('room').textContent = e.room;
  $('action').innerHTML = '';
  const a = $('action');
  a.appendChild(document.createTextNode('proposed ' + e.proposal + ' → executed '));
  const s = document.createElement('strong'); s.id = 'executed'; s.textContent = e.action; a.appendChild(s);
  if (e.reflex) { const r = document.createElement('span'); r.className = 'pill reflex'; r.textContent = 'reflex: ' + e.reflex; a.appendChild(r); }
  if (e.ate) a.appendChild(document.createTextNode(' · ate ' + e.ate));
  let h = '';
  for (const [k, v] of Object.entries(e.body)) h += '<tr><td>' + k + '</td><td>' + v.toFixed(2) + '</td><td><span class="bar" style="width:' + Math.round(Math.min(1, Math.abs(v)) * 80) + 'px"></span></td></tr>';
  $('body').innerHTML = h;
  $('fired').innerHTML = e.fired.length ? e.fired.map((f) => '<span class="pill">' + f.name + ' ' + f.strength.toFixed(2) + '</span>').join('') : '<span class="mute">none</span>';
  $('outputs').innerHTML = '<tr><th>assessor</th><th>mode</th><th>prediction</th><th>gain</th></tr>' + e.outputs.map((o) => '<tr><td>' + o.assessor + '</td><td>' + o.mode + '</td><td>' + fmt(o.value) + '</td><td>' + o.gain.toFixed(2) + '</td></tr>').join('');
  $('plans').innerHTML = e.plans.length ? '<tr><th></th><th>score</th><th>steps</th></tr>' + e.plans.map((p, i) => '<tr><td style="color:' + COLORS[i] + '">━</td><td>' + fmt(p.score) + '</td><td>' + p.cells.length + '</td></tr>').join('') : '<tr><td class="mute">not planning</td></tr>';
  $('recalled').textContent = e.recalled >= 0 ? 'recalled episode #' + e.recalled : 'nothing recalled';
}
function drawTrace() {
  const c = $('trace'), g = c.getContext('2d'), W = c.width, H = c.height;
  g.clearRect(0, 0, W, H);
  const n = Math.min(trace.n, TRACE); if (!n) return;
  const start = trace.n - n;
  let lo = -1, hi = 1;
  for (let j = 0; j < n; j++) { const i = (start + j) % TRACE; for (const s of [trace.reward, trace.dopamine, trace.value]) { lo = Math.min(lo, s[i]); hi = Math.max(hi, s[i]); } }
  const y = (v) => H - 6 - ((v - lo) / (hi - lo || 1)) * (H - 12);
  g.strokeStyle = '#e5e7eb'; g.beginPath(); g.moveTo(0, y(0)); g.lineTo(W, y(0)); g.stroke();
  [[trace.reward, '#15803d'], [trace.dopamine, '#2563eb'], [trace.value, '#b45309']].forEach(([s, col]) => {
    g.strokeStyle = col; g.lineWidth = 1.2; g.beginPath();
    for (let j = 0; j < n; j++) { const i = (start + j) % TRACE; const x = (j / (TRACE - 1)) * W; if (j) g.lineTo(x, y(s[i])); else g.moveTo(x, y(s[i])); }
    g.stroke();
  });
  g.fillStyle = '#dc2626';
  for (let j = 0; j < n; j++) { const i = (start + j) % TRACE; if (trace.human[i] !== 0) { const x = (j / (TRACE - 1)) * W; g.beginPath(); g.moveTo(x, 2); g.lineTo(x - 5, 12); g.lineTo(x + 5, 12); g.fill(); } }
}
let frameCount = 0, fpsMark = performance.now(), panelsDirty = false, panelsAt = 0;
// The grid and the trace follow every frame; the text panels at most ten times a second (no one reads
// faster), which keeps the browser's share of a small machine's cores down.
const PANEL_MS = 100;
function setText(id, v) { const el = $(id), t = String(v); if (el.textContent !== t) el.textContent = t; }
function frame(now) {
  frameCount++;
  if (now - fpsMark >= 1000) { lab.fps = Math.round((frameCount * 1000) / (now - fpsMark)); setText('fps', lab.fps); frameCount = 0; fpsMark = now; }
  setText('simtick', lab.simTick);
  if (dirty && lab.latest && lab.world && !$('freeze').checked) {
    dirty = false;
    const e = lab.latest;
    drawGrid(e); drawTrace();
    panelsDirty = true;
    lab.shownTick = e.tick; lab.frames++;
    setText('shown', e.tick);
  }
  if (panelsDirty && now - panelsAt >= PANEL_MS && lab.latest) {
    panelsDirty = false; panelsAt = now;
    drawPanels(lab.latest);
  }
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);

// ---------- meta-RL ----------
let mrTimer = null;
$('mr-play').onclick = async () => {
  showError('');
  if (mrTimer) clearInterval(mrTimer);
  const q = new URLSearchParams({ experiment: $('mr-experiment').value, seed: String(Number($('mr-seed').value) || 0) });
  const ep = await api('/api/metarl/episode?' + q.toString());
  lab.metarl = { played: 0, total: ep.trials.length, done: false, episode: ep };
  $('mr-total').textContent = ep.trials.length; $('mr-done').textContent = '';
  mrTimer = setInterval(() => {
    lab.metarl.played++;
    drawMetarl(ep, lab.metarl.played);
    $('mr-trial').textContent = lab.metarl.played;
    if (lab.metarl.played >= ep.trials.length) {
      clearInterval(mrTimer); mrTimer = null; lab.metarl.done = true;
      const rewarded = ep.trials.reduce((s, t) => s + (t.reward > 0 ? 1 : 0), 0);
      $('mr-done').textContent = 'episode done: ' + rewarded + ' of ' + ep.trials.length + ' trials rewarded';
    }
  }, 40);
};
function drawMetarl(ep, upto) {
  const T = ep.trials.length, A = ep.trials[0].policy.length;
  const c = $('mr-policy'), g = c.getContext('2d'), W = c.width, H = c.height;
  g.clearRect(0, 0, W, H);
  const x = (t) => 6 + (t / Math.max(1, T - 1)) * (W - 12), y = (p) => H - 6 - p * (H - 12);
  for (let a = 0; a < A; a++) {
    g.strokeStyle = COLORS[a]; g.lineWidth = 1.6; g.setLineDash([]); g.beginPath();
    for (let t = 0; t < upto; t++) { const p = ep.trials[t].policy[a]; if (t) g.lineTo(x(t), y(p)); else g.moveTo(x(t), y(p)); }
    g.stroke();
    if (ep.trials[0].posterior) {
      g.setLineDash([4, 3]); g.beginPath();
      for (let t = 0; t < upto; t++) { const p = ep.trials[t].posterior[a]; if (t) g.lineTo(x(t), y(p)); else g.moveTo(x(t), y(p)); }
      g.stroke();
    }
    if (ep.trials[0].probs) { g.setLineDash([1, 4]); g.beginPath(); g.moveTo(x(0), y(ep.trials[0].probs[a])); g.lineTo(x(T - 1), y(ep.trials[T - 1].probs[a])); g.stroke(); }
  }
  g.setLineDash([]);
  const cc = $('mr-choices'), h = cc.getContext('2d');
  h.clearRect(0, 0, cc.width, cc.height);
  for (let t = 0; t < upto; t++) {
    const tr = ep.trials[t], yy = 10 + (tr.action / Math.max(1, A - 1)) * (cc.height - 20);
    h.strokeStyle = COLORS[tr.action]; h.fillStyle = COLORS[tr.action];
    h.beginPath(); h.arc(x(t), yy, 3, 0, 7); if (tr.reward > 0) h.fill(); else h.stroke();
  }
  const pc = $('mr-pca'), k = pc.getContext('2d'), S = pc.width;
  k.clearRect(0, 0, S, S);
  let lo = Infinity, hi = -Infinity;
  for (const t of ep.trials) for (const v of t.pc) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  const m = (v) => 10 + ((v - lo) / (hi - lo || 1)) * (S - 20);
  k.strokeStyle = '#cbd5e1'; k.beginPath();
  for (let t = 0; t < upto; t++) { const p = ep.trials[t].pc; if (t) k.lineTo(m(p[0]), m(p[1])); else k.moveTo(m(p[0]), m(p[1])); }
  k.stroke();
  for (let t = 0; t < upto; t++) { const p = ep.trials[t].pc; k.fillStyle = 'hsl(' + Math.round(240 - (240 * t) / Math.max(1, T - 1)) + ',70%,45%)'; k.beginPath(); k.arc(m(p[0]), m(p[1]), 3, 0, 7); k.fill(); }
  $('mr-summary').textContent = 'colour: trial (blue early → red late); ' + ep.experiment + ', seed ' + ep.seed;
}

// ---------- runs ----------
const runSel = new Set();
async function loadRuns() {
  const runs = await api('/api/runs');
  lab.runs = runs;
  const tb = document.querySelector('#runs-table tbody'); tb.innerHTML = '';
  for (const r of runs) {
    const tr = document.createElement('tr'); tr.dataset.id = r.id;
    const c = document.createElement('input'); c.type = 'checkbox'; c.checked = runSel.has(r.id);
    c.onchange = () => { if (c.checked) runSel.add(r.id); else runSel.delete(r.id); plotRuns(); };
    const td0 = document.createElement('td'); td0.appendChild(c); tr.appendChild(td0);
    const fm = r.finalMetrics ? Object.entries(r.finalMetrics).slice(0, 4).map(([k, v]) => k + '=' + (typeof v === 'number' ? +v.toPrecision(4) : v)).join(' ') : '';
    const cfg = JSON.stringify(r.config);
    for (const v of [r.experiment, r.seed, r.status, r.createdAt.replace('T', ' ').slice(0, 19), cfg.length > 60 ? cfg.slice(0, 57) + '…' : cfg, fm]) { const td = document.createElement('td'); td.textContent = String(v); tr.appendChild(td); }
    tr.children[5].title = cfg;
    tb.appendChild(tr);
  }
}
$('runs-refresh').onclick = loadRuns;
const runDetail = {};
async function plotRuns() {
  const ids = [...runSel];
  $('runs-plot-card').style.display = ids.length ? 'block' : 'none';
  for (const id of ids) if (!runDetail[id]) runDetail[id] = await api('/api/runs/' + encodeURIComponent(id));
  const keys = new Set();
  for (const id of ids) for (const row of runDetail[id].metrics) for (const k of Object.keys(row)) if (k !== 'step' && typeof row[k] === 'number') keys.add(k);
  const sel = $('runs-metric'), cur = sel.value;
  sel.innerHTML = ''; for (const k of [...keys].sort()) { const o = document.createElement('option'); o.value = k; o.textContent = k; sel.appendChild(o); }
  if (keys.has(cur)) sel.value = cur;
  else { const pref = [...keys].sort().find((k) => /reward|return|regret/.test(k)); if (pref) sel.value = pref; }
  drawRuns(ids, sel.value);
  const figs = $('runs-figures'); figs.innerHTML = '';
  const last = ids[ids.length - 1];
  if (last) for (const f of runDetail[last].figures) { const im = document.createElement('img'); im.src = '/api/runs/' + encodeURIComponent(last) + '/figures/' + f + (TOKEN ? '?token=' + TOKEN : ''); im.style.maxWidth = '440px'; im.alt = f; figs.appendChild(im); }
}
$('runs-metric').onchange = () => drawRuns([...runSel], $('runs-metric').value);
function drawRuns(ids, key) {
  const c = $('runs-plot'), g = c.getContext('2d'), W = c.width, H = c.height;
  g.clearRect(0, 0, W, H);
  let xlo = Infinity, xhi = -Infinity, ylo = Infinity, yhi = -Infinity;
  const series = ids.map((id) => runDetail[id].metrics.filter((r) => typeof r[key] === 'number').map((r) => [r.step, r[key]]));
  for (const s of series) for (const [x, y] of s) { xlo = Math.min(xlo, x); xhi = Math.max(xhi, x); ylo = Math.min(ylo, y); yhi = Math.max(yhi, y); }
  const X = (v) => 40 + ((v - xlo) / (xhi - xlo || 1)) * (W - 50), Y = (v) => H - 20 - ((v - ylo) / (yhi - ylo || 1)) * (H - 30);
  g.fillStyle = '#6b7480'; g.fillText(String(+yhi.toPrecision(3)), 2, 12); g.fillText(String(+ylo.toPrecision(3)), 2, H - 20);
  series.forEach((s, i) => { g.strokeStyle = COLORS[i % COLORS.length]; g.lineWidth = 1.4; g.beginPath(); s.forEach(([x, y], j) => (j ? g.lineTo(X(x), Y(y)) : g.moveTo(X(x), Y(y)))); g.stroke(); });
  $('runs-legend').innerHTML = ids.map((id, i) => '<span style="color:' + COLORS[i % COLORS.length] + '">━</span> ' + runDetail[id].experiment + ' seed ' + runDetail[id].seed + ' <span class="mute">' + id + '</span>').join('<br>');
}

// ---------- boot ----------
async function boot() {
  try {
    const h = await api('/api/health');
    $('version').textContent = 'v' + h.version;
    await loadExperiments();
    await listLifetimes();
    route();
  } catch (e) { /* the error line says why */ }
}
setInterval(() => { if (document.visibilityState === 'visible' && (location.hash || '#live').startsWith('#live')) listLifetimes().catch(() => {}); }, 3000);
boot();
</script>
</body>
</html>
`;

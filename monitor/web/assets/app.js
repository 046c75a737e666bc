// The dashboard page: a copy of the coordinator's picture, fed by server-sent events
// (docs/dashboard.md). `snapshot` replaces everything; `job` moves one job. Rendering builds
// DOM nodes with textContent only: a source path is data, never markup.
'use strict';

let state = null;       // the last snapshot, updated by job events
let clockOffsetUs = 0;  // coordinator's monotonic µs minus performance.now() µs

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function nowUs() { return performance.now() * 1000 + clockOffsetUs; }
function syncClock(now_us) { clockOffsetUs = now_us - performance.now() * 1000; }

function baseName(path) { const i = path.lastIndexOf('/'); return i < 0 ? path : path.slice(i + 1); }

function holdsSlot(job) { return job.slot >= 0 && job.phase !== 'waiting'; }

function countFinished(status, job) {
  const keys = { remote: 'jobs_remote', fallback: 'jobs_local', local: 'jobs_kept_local', link: 'links_local' };
  if (keys[job.outcome]) status[keys[job.outcome]] += 1;
}

function applyEvent(ev) {
  if (!state) return;
  const jobs = state.jobs;
  const i = jobs.findIndex(j => j.id === ev.job.id);
  if (ev.finished) {
    if (i >= 0) jobs.splice(i, 1);
    countFinished(state.status, ev.job);
  } else if (i >= 0) {
    jobs[i] = ev.job;
  } else {
    jobs.push(ev.job);
  }
}

function slotRow(lane, slots, jobs) {
  const row = el('div', 'slots');
  const bySlot = new Map();
  for (const j of jobs) if (j.runner === lane && holdsSlot(j)) bySlot.set(j.slot, j);
  for (let s = 0; s < slots; ++s) {
    const j = bySlot.get(s);
    const box = el('div', 'slot');
    box.dataset.slot = String(s);
    if (j) {
      box.classList.add('lit', 'ph-' + j.phase);
      box.title = j.source + ' (' + j.phase + ', pid ' + j.pid + ')';
      box.append(el('span', 'src', baseName(j.source)), el('span', 'ph', j.phase));
    }
    row.append(box);
  }
  return row;
}

function lane(name, stateName, detail, slotsRow) {
  const div = el('div', 'lane');
  div.dataset.lane = name;
  div.append(el('span', 'lane-name', name), el('span', 'state state-' + stateName, stateName + detail), slotsRow);
  return div;
}

function counter(label, value) {
  const c = el('div', 'counter');
  c.append(el('b', null, String(value)), el('span', null, label));
  return c;
}

function render() {
  if (!state) return;
  const st = state.status;
  document.getElementById('coordinator').textContent = 'coordinator pid ' + st.pid;
  const runners = document.getElementById('runners');
  runners.replaceChildren(...st.runners.map(r => {
    const detail = r.state === 'backoff' && r.backoff_ms ? ' ' + Math.ceil(r.backoff_ms / 1000) + ' s' : '';
    const l = lane(r.name, r.state, detail, slotRow(r.name, r.slots, state.jobs));
    l.title = r.address + (r.last_error ? ' — ' + r.last_error : '');
    return l;
  }));
  if (!st.runners.length) runners.replaceChildren(el('p', null, 'no runners: every job compiles locally'));
  document.getElementById('local').replaceChildren(lane('local', 'up', '', slotRow('local', st.local_slots, state.jobs)));
  const queued = state.jobs.filter(j => j.phase === 'queue').length;
  document.getElementById('queue').textContent = '— queue: ' + queued;
  document.getElementById('counters').replaceChildren(
    counter('remote', st.jobs_remote),
    counter('local (sent back)', st.jobs_local),
    counter('local (kept)', st.jobs_kept_local),
    counter('links', st.links_local),
    counter('in flight', state.jobs.length),
    counter('queued', queued));
  const now = nowUs();
  const rows = state.jobs.slice().sort((a, b) => a.id - b.id).map(j => {
    const tr = el('tr', 'job');
    tr.dataset.id = String(j.id);
    const host = j.runner ? j.runner + (j.slot >= 0 ? '[' + j.slot + ']' : '') : '';
    const secs = Math.max(0, (now - j.phase_start_us) / 1e6).toFixed(1) + ' s';
    tr.append(el('td', 'num', String(j.pid)), el('td', null, j.phase), el('td', 'source', j.source),
              el('td', null, host), el('td', 'num', secs));
    return tr;
  });
  document.getElementById('job-rows').replaceChildren(...rows);
}

function setConnected(up) {
  const c = document.getElementById('connection');
  c.textContent = up ? 'live' : 'disconnected, retrying…';
  c.className = 'conn ' + (up ? 'conn-up' : 'conn-down');
}

function start() {
  const events = new EventSource('/events');
  events.addEventListener('open', () => setConnected(true));
  events.addEventListener('error', () => setConnected(false));
  events.addEventListener('snapshot', e => {
    state = JSON.parse(e.data);
    syncClock(state.now_us);
    render();
  });
  events.addEventListener('job', e => {
    const ev = JSON.parse(e.data);
    syncClock(ev.now_us);
    applyEvent(ev);
    render();
  });
  // Times in phase move even when no event comes.
  setInterval(render, 500);
}

document.addEventListener('DOMContentLoaded', start);

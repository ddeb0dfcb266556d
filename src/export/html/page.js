// The interactive page of `annals export --format html`: a timeline with a
// lane per speaker (zoom and pan with the wheel, a pinch, a drag or the
// keyboard), filters, a panel for the selected statement or event, the
// response graph and the list of statements. It reads the KB from the JSON
// in #annals-data, builds everything with DOM calls (KB text only ever
// becomes textContent or an attribute value, never markup), and makes no
// request of any kind.
(() => {
  'use strict';

  const SVG = 'http://www.w3.org/2000/svg';
  const $ = (id) => document.getElementById(id);
  const data = JSON.parse($('annals-data').textContent);

  // --- DOM helpers ---------------------------------------------------------
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== null && v !== undefined && v !== false) e.setAttribute(k, v);
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      e.append(typeof c === 'string' ? document.createTextNode(c) : c);
    }
    return e;
  }
  function sv(tag, attrs) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  }
  function tip(node, text) {
    const t = sv('title');
    t.textContent = text;
    node.append(t);
  }

  // --- The KB ----------------------------------------------------------------
  const actors = new Map(data.actors.map((a) => [a.id, a]));
  const events = new Map(data.events.map((e) => [e.id, e]));
  const statements = new Map(data.statements.map((s) => [s.id, s]));
  const laneOf = (s) => data.speaker[s.id];
  const laneName = (id) => data.lanes[id] || (actors.get(id) || { name: id }).name;
  const actorName = (id) => (actors.get(id) || { name: id }).name;

  /** [first, last] instant in ms, or null when the date has no instant. */
  function span(d) {
    const a = d.earliest ? Date.parse(d.earliest) : NaN;
    const b = d.latest ? Date.parse(d.latest) : NaN;
    if (isNaN(a) && isNaN(b)) return null;
    return [isNaN(a) ? b : a, isNaN(b) ? a : b];
  }
  for (const s of data.statements) {
    s.span = span(s.date);
    // Statements sharing their time (a day, say) are spread across it in
    // their known order, as annals computed.
    if (s.span) s.pos = data.at[s.id] ?? (s.span[0] + s.span[1]) / 2;
  }
  for (const e of data.events) e.span = span(e.date);
  const mid = (sp) => (sp[0] + sp[1]) / 2;
  const byTime = (a, b) =>
    (a.span ? a.pos ?? mid(a.span) : Infinity) - (b.span ? b.pos ?? mid(b.span) : Infinity) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const ordered = data.statements.slice().sort(byTime);

  // Who responded to each statement or event.
  const responders = new Map();
  for (const s of data.statements) {
    for (const r of s.responds_to) {
      if (!responders.has(r.to)) responders.set(r.to, []);
      responders.get(r.to).push({ from: s.id, stance: r.stance });
    }
  }

  // --- Filters -----------------------------------------------------------------
  const filters = {
    actor: { label: 'Speaker', values: (s) => s.speakers.map((p) => p.id).concat(s.on_behalf_of ? [s.on_behalf_of.id] : []), name: actorName },
    topic: { label: 'Topic', values: (s) => s.topics, name: (t) => t },
    kind: { label: 'Kind', values: (s) => [s.kind], name: (k) => k },
    stance: { label: 'Stance', values: (s) => s.responds_to.map((r) => r.stance), name: (k) => k },
    verdict: { label: 'Verdict', values: (s) => s.verdicts.map((v) => v.rating), name: (k) => k },
  };
  const chosen = {};
  const form = $('filters');
  for (const [key, f] of Object.entries(filters)) {
    const values = new Set();
    for (const s of data.statements) for (const v of f.values(s)) values.add(v);
    const sorted = [...values].sort((a, b) => f.name(a).localeCompare(f.name(b)));
    const select = el('select', { id: 'filter-' + key, name: key, disabled: sorted.length ? null : 'disabled' });
    select.append(el('option', { value: '' }, sorted.length ? 'All' : 'None in this story'));
    for (const v of sorted) select.append(el('option', { value: v }, f.name(v)));
    select.addEventListener('change', () => {
      chosen[key] = select.value;
      applyFilters();
    });
    form.insertBefore(el('label', { for: 'filter-' + key }, f.label, select), $('reset'));
  }
  $('reset').addEventListener('click', () => {
    for (const key of Object.keys(filters)) {
      $('filter-' + key).value = '';
      chosen[key] = '';
    }
    applyFilters();
  });
  const shown = (s) =>
    Object.entries(filters).every(([key, f]) => !chosen[key] || f.values(s).includes(chosen[key]));

  // --- Time axis -----------------------------------------------------------------
  const zone = data.zone;
  let offsetFormat = null;
  if (zone.name) {
    try {
      offsetFormat = new Intl.DateTimeFormat('en-US', { timeZone: zone.name, timeZoneName: 'longOffset' });
    } catch (_) {
      offsetFormat = null;
    }
  }
  /** Minutes east of UTC in the page's zone at instant t (ms). */
  function offsetAt(t) {
    if (!offsetFormat) return zone.offset_minutes || 0;
    const part = offsetFormat.formatToParts(t).find((p) => p.type === 'timeZoneName');
    const m = part && /GMT([+-])(\d\d):?(\d\d)?/.exec(part.value);
    return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] || 0)) : 0;
  }
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const H = 3600e3, D = 24 * H;
  const STEPS = [
    [H, 'hour'], [3 * H, 'hour'], [6 * H, 'hour'], [12 * H, 'hour'], [D, 'day'], [2 * D, 'day'],
    [7 * D, 'day'], [1, 'month'], [3, 'month'], [6, 'month'], [1, 'year'], [2, 'year'], [5, 'year'],
    [10, 'year'], [25, 'year'], [50, 'year'], [100, 'year'], [500, 'year'], [1000, 'year'],
  ];
  const approx = (step, unit) => (unit === 'month' ? step * 30 * D : unit === 'year' ? step * 365 * D : step);
  const pad = (n) => String(n).padStart(2, '0');
  /** Ticks at local boundaries of the zone between t0 and t1, at most `most`. */
  function ticks(t0, t1, most) {
    let [step, unit] = STEPS[STEPS.length - 1];
    for (const [s, u] of STEPS) {
      if ((t1 - t0) / approx(s, u) <= most) {
        [step, unit] = [s, u];
        break;
      }
    }
    const out = [];
    const local = (t) => new Date(t + offsetAt(t) * 60e3);
    const utc = (l) => l - offsetAt(l - offsetAt(l) * 60e3) * 60e3;
    let d = local(t0);
    if (unit === 'hour' || unit === 'day') {
      let l = Math.floor(d.getTime() / step) * step;
      if (unit === 'day' && step === 7 * D) l = Math.floor(d.getTime() / D) * D;
      for (; out.length < 400; l += step) {
        const t = utc(l);
        if (t > t1) break;
        const ld = new Date(l);
        const text = unit === 'hour'
          ? (ld.getUTCHours() === 0 ? ld.getUTCDate() + ' ' + MONTHS[ld.getUTCMonth()] : pad(ld.getUTCHours()) + ':00')
          : ld.getUTCDate() + ' ' + MONTHS[ld.getUTCMonth()];
        if (t >= t0) out.push([t, text]);
      }
    } else {
      let y = d.getUTCFullYear(), m = unit === 'month' ? d.getUTCMonth() - (d.getUTCMonth() % step) : 0;
      if (unit === 'year') y -= ((y % step) + step) % step;
      for (; out.length < 400;) {
        // (Date.UTC reads years 0 to 99 as 1900 to 1999: set the year apart.)
        const ld = new Date(Date.UTC(2000, m, 1));
        ld.setUTCFullYear(y);
        const t = utc(ld.getTime());
        if (t > t1) break;
        if (t >= t0) out.push([t, unit === 'month' ? MONTHS[m] + ' ' + y : String(y)]);
        if (unit === 'month') {
          m += step;
          while (m >= 12) { m -= 12; y += 1; }
        } else {
          y += step;
        }
      }
    }
    return out;
  }

  /** Text cut after a word to fit `room` pixels, `char` a character's
   * width (11px text unless given), or ''. */
  const CHAR = 6.3;
  function cut(text, room, char = CHAR) {
    if (text.length * char <= room) return text;
    const most = Math.floor(room / char) - 1;
    if (most < 4) return '';
    const head = text.slice(0, most);
    const space = head.lastIndexOf(' ');
    return (space > most / 2 ? head.slice(0, space) : head).replace(/[\s,;:.]+$/, '') + '…';
  }

  // --- The timeline ---------------------------------------------------------------
  const LEFT = 170, RIGHT = 24, AXIS = 28, BAR = 16, R = 6;
  const box = $('timeline');
  const svg = sv('svg', { role: 'presentation', class: 'timeline' });
  box.append(svg);
  const defs = sv('defs');
  for (const [stance, colour] of Object.entries(data.stances)) {
    const m = sv('marker', { id: 'head-' + stance, viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '7', markerHeight: '7', orient: 'auto-start-reverse' });
    m.append(sv('path', { d: 'M0,0 L10,5 L0,10 z', fill: colour }));
    defs.append(m);
  }
  const clip = sv('clipPath', { id: 'plot' });
  const clipRect = sv('rect', { x: LEFT, y: 0, width: 10, height: 10 });
  clip.append(clipRect);
  defs.append(clip);
  svg.append(defs);
  const gLanes = sv('g'), gAxis = sv('g', { class: 'axis' });
  const gPlot = sv('g', { 'clip-path': 'url(#plot)' });
  const gBands = sv('g'), gBars = sv('g'), gArrows = sv('g', { class: 'arrows' }), gMarks = sv('g'), gLabels = sv('g', { class: 'labels' });
  gPlot.append(gBands, gBars, gArrows, gMarks, gLabels);
  svg.append(gLanes, gAxis, gPlot);

  // Lanes, in order of each speaker's first statement.
  const lanes = [];
  for (const s of ordered) {
    const a = laneOf(s);
    if (s.span && !lanes.includes(a)) lanes.push(a);
  }
  // Event bars in rows that do not overlap.
  const timedEvents = data.events.filter((e) => e.span).sort(byTime);
  const rows = [];
  for (const e of timedEvents) {
    let r = rows.findIndex((end) => end < e.span[0]);
    if (r < 0 || r > 5) r = rows.length < 6 ? rows.length : rows.indexOf(Math.min(...rows));
    rows[r] = Math.max(rows[r] || -Infinity, e.span[1]);
    e.row = r;
  }
  const timed = ordered.filter((s) => s.span);
  let all0 = Math.min(...timed.map((s) => s.span[0]), ...timedEvents.map((e) => e.span[0]));
  let all1 = Math.max(...timed.map((s) => s.span[1]), ...timedEvents.map((e) => e.span[1]));
  if (!isFinite(all0)) [all0, all1] = [Date.now() - D, Date.now() + D];
  if (all1 - all0 < H) [all0, all1] = [all0 - D / 2, all1 + D / 2];
  const margin = (all1 - all0) * 0.04;
  const home = [all0 - margin, all1 + margin];
  let view = home.slice();
  let width = Math.max(480, box.clientWidth || 800);
  const x = (t) => LEFT + ((t - view[0]) / (view[1] - view[0])) * (width - LEFT - RIGHT);
  const tAt = (px) => view[0] + ((px - LEFT) / (width - LEFT - RIGHT)) * (view[1] - view[0]);

  /** A lane's name in at most two lines that fit the margin (12px bold). */
  function laneLines(a) {
    const words = laneName(a).split(/\s+/), lines = [''];
    const most = Math.floor((LEFT - 16) / 7.2);
    for (const w of words) {
      const line = lines[lines.length - 1];
      if (!line || (line + ' ' + w).length <= most) lines[lines.length - 1] = line ? line + ' ' + w : w;
      else if (lines.length < 2) lines.push(w);
      else {
        lines[1] = cut(lines[1] + ' ' + w, LEFT - 16, 7.2);
        break;
      }
    }
    return lines.map((l) => cut(l, LEFT - 16, 7.2));
  }

  // Rows inside each lane, fixed at the whole story's scale: a marker (and
  // in a small story its label) takes the first row where it fits, so no
  // marker hides another and every one can be clicked.
  const ROW = 22, MAX_ROWS = 8, withLabels = timed.length <= 200;
  const rowOf = new Map(), rowsIn = new Map();
  for (const a of lanes) {
    const ends = [];
    for (const s of timed.filter((t) => laneOf(t) === a)) {
      const px = x(s.pos);
      const need = withLabels ? R + 4 + data.labels[s.id].length * CHAR + 8 : 2 * R + 3;
      let r = ends.findIndex((end) => end <= px - R);
      if (r < 0) r = ends.length < MAX_ROWS ? ends.length : ends.indexOf(Math.min(...ends));
      ends[r] = px + need;
      rowOf.set(s.id, r);
    }
    rowsIn.set(a, Math.max(laneLines(a).length, ends.length));
  }
  const eventsTop = AXIS + 8;
  const lanesTop = eventsTop + (rows.length ? rows.length * (BAR + 6) + 10 : 0);
  const laneTops = [];
  let y0 = lanesTop;
  for (const a of lanes) {
    laneTops.push(y0);
    y0 += rowsIn.get(a) * ROW + 12;
  }
  const height = y0 + 10;
  const laneY = (s) => laneTops[lanes.indexOf(laneOf(s))] + 6 + ROW / 2 + rowOf.get(s.id) * ROW + 4;

  const describe = (s) => `${laneName(laneOf(s))}, ${s.date.written}: ${data.labels[s.id]}`;
  // Tooltips and labels cost a node each: a large story gets its labels
  // when they are drawn, and the marker's aria-label instead of a tooltip.
  const SMALL = timed.length <= 2000;
  const marks = new Map();
  for (const s of timed) {
    const g = sv('g', { class: 'st', tabindex: '0', role: 'button', 'data-id': s.id, 'aria-label': describe(s) });
    const y = laneY(s);
    const dot = sv('circle', { r: R, cy: y, class: s.date.uncertain || s.date.approximate ? 'dot unsure' : 'dot' });
    if (SMALL) tip(g, `${describe(s)} (${s.id})`);
    g.append(dot);
    gMarks.append(g);
    marks.set(s.id, { s, g, dot, band: null, label: null, y, hidden: false });
  }
  const labelOf = (m) => {
    if (!m.label) {
      m.label = sv('text', { class: 'label' });
      m.label.textContent = data.labels[m.s.id];
    }
    return m.label;
  };
  const bars = new Map();
  for (const e of timedEvents) {
    const g = sv('g', { class: 'ev', tabindex: '0', role: 'button', 'data-id': e.id, 'aria-label': `Event: ${e.name}, ${e.date.written}` });
    const rect = sv('rect', { height: BAR, rx: 3, y: eventsTop + e.row * (BAR + 6) });
    const text = sv('text', { y: eventsTop + e.row * (BAR + 6) + BAR - 4 });
    text.textContent = e.name;
    tip(g, `${e.name}, ${e.date.written} (${e.id})`);
    g.append(rect, text);
    gBars.append(g);
    bars.set(e.id, { e, g, rect, text, y: eventsTop + e.row * (BAR + 6) });
  }
  const arrows = [];
  for (const s of timed) {
    for (const r of s.responds_to) {
      if (marks.has(r.to) || bars.has(r.to)) arrows.push({ from: s.id, to: r.to, stance: r.stance, path: null });
    }
  }
  const pathOf = (a) => {
    if (!a.path) {
      a.path = sv('path', { class: 'arrow', stroke: data.stances[a.stance], 'marker-end': `url(#head-${a.stance})` });
      tip(a.path, `${a.stance}: ${a.from} → ${a.to}`);
    }
    return a.path;
  };
  const laneNodes = lanes.map((a, i) => {
    const y = laneTops[i], h = rowsIn.get(a) * ROW + 12;
    const bg = sv('rect', { x: 0, y, height: h, fill: data.lane_colours[i % data.lane_colours.length] });
    const name = sv('text', { x: 8, y: y + 6 + ROW / 2 + 4, class: 'lane' });
    laneLines(a).forEach((line, n) => {
      const span = sv('tspan', { x: 8, dy: n ? 15 : 0 });
      span.textContent = line;
      name.append(span);
    });
    tip(name, actorName(a));
    gLanes.append(bg, name);
    return bg;
  });
  if (rows.length) {
    const name = sv('text', { x: 8, y: eventsTop + BAR - 4, class: 'lane' });
    name.textContent = 'Events';
    gLanes.append(name);
  }

  let frame = 0;
  function draw() {
    frame = 0;
    svg.setAttribute('width', width);
    svg.setAttribute('height', height);
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    clipRect.setAttribute('width', Math.max(0, width - LEFT - RIGHT + R * 2));
    clipRect.setAttribute('x', LEFT - R);
    clipRect.setAttribute('height', height);
    for (const bg of laneNodes) bg.setAttribute('width', width);
    gAxis.replaceChildren();
    for (const [t, text] of ticks(view[0], view[1], Math.max(2, (width - LEFT - RIGHT) / 90))) {
      const px = x(t);
      gAxis.append(sv('line', { x1: px, x2: px, y1: AXIS - 6, y2: height, class: 'grid' }));
      const label = sv('text', { x: px + 3, y: AXIS - 10 });
      label.textContent = text;
      gAxis.append(label);
    }
    for (const b of bars.values()) {
      b.x0 = x(b.e.span[0]);
      b.x1 = Math.max(x(b.e.span[1]), b.x0 + 4);
      b.rect.setAttribute('x', b.x0);
      b.rect.setAttribute('width', b.x1 - b.x0);
    }
    // An event's name inside its bar when it fits, else beside it up to
    // the next bar of its row, cut after a word when it must be.
    const byRow = [...bars.values()].sort((a, b) => a.e.row - b.e.row || a.x0 - b.x0);
    byRow.forEach((b, i) => {
      const next = byRow[i + 1] && byRow[i + 1].e.row === b.e.row ? byRow[i + 1].x0 : width - RIGHT;
      const inside = b.x1 - b.x0 - 8, beside = next - b.x1 - 10;
      const fits = (room) => cut(b.e.name, room);
      const text = fits(inside) === b.e.name ? [b.e.name, b.x0 + 4, 'inside'] : fits(beside) ? [fits(beside), b.x1 + 4, 'beside'] : [fits(inside), b.x0 + 4, 'inside'];
      b.text.textContent = text[0];
      b.text.setAttribute('x', text[1]);
      b.text.setAttribute('class', text[2]);
    });
    const visible = [];
    for (const m of marks.values()) {
      const px = x(m.s.pos);
      m.x = px;
      m.dot.setAttribute('cx', px);
      if (!m.hidden && px >= LEFT - R && px <= width - RIGHT + R) visible.push(m);
    }
    // A band across a shown statement's interval where it is wider than
    // the marker (at most 2,000: the rest are too close to tell apart).
    const bands = [];
    for (const m of visible.length <= 2000 ? visible : []) {
      const b0 = x(m.s.span[0]), b1 = x(m.s.span[1]);
      if (b1 - b0 <= 2 * R) continue;
      m.band = m.band || sv('rect', { class: 'band', height: 6, rx: 3, y: m.y - 3 });
      m.band.setAttribute('x', b0);
      m.band.setAttribute('width', b1 - b0);
      bands.push(m.band);
    }
    gBands.replaceChildren(...bands);
    // Labels where they fit: left to right in each lane, right of the
    // marker, or left of it near the right edge.
    const labels = [];
    if (visible.length <= 400) {
      const ends = new Map();
      visible.sort((a, b) => a.x - b.x);
      for (const m of visible) {
        const w = data.labels[m.s.id].length * CHAR;
        const end = ends.get(m.y) ?? -Infinity;
        let at = null;
        if (m.x + R + 4 + w <= width - RIGHT && m.x + R + 4 >= end) at = ['start', m.x + R + 4, m.x + R + 4 + w];
        else if (m.x + R + 4 + w > width - RIGHT && m.x - R - 4 - w >= Math.max(end, LEFT)) at = ['end', m.x - R - 4, m.x];
        if (!at) continue;
        const label = labelOf(m);
        label.setAttribute('text-anchor', at[0]);
        label.setAttribute('x', at[1]);
        label.setAttribute('y', m.y + 4);
        labels.push(label);
        ends.set(m.y, at[2] + 8);
      }
    }
    gLabels.replaceChildren(...labels);
    // Arrows from the responder to what it answers; several into one
    // target end at different points of its marker.
    // Only arrows with both ends shown and one end in view are drawn; when
    // that is more than a reader can follow, only the selection's.
    const inView = (m) => (m.s ? m.x : m.x1) >= LEFT && (m.s ? m.x : m.x0) <= width - RIGHT;
    let drawn = arrows.filter((a) => {
      const from = marks.get(a.from), to = marks.get(a.to) || bars.get(a.to);
      return !from.hidden && !to.hidden && (inView(from) || inView(to));
    });
    if (drawn.length > 1500) drawn = drawn.filter((a) => selected === a.from || selected === a.to);
    const into = new Map();
    for (const a of drawn) {
      const from = marks.get(a.from);
      const to = marks.get(a.to) || bars.get(a.to);
      const n = into.get(a.to) || 0;
      into.set(a.to, n + 1);
      let tx, ty;
      if (to.s) {
        const angle = -Math.PI / 2 + (n % 2 ? 1 : -1) * Math.ceil(n / 2) * 0.45;
        const dir = from.x >= to.x ? 1 : -1;
        tx = to.x + dir * Math.cos(angle) * (R + 2) * (n ? 1 : 0.2);
        ty = to.y + Math.sin(angle) * (R + 2);
      } else {
        tx = Math.min(Math.max(from.x, to.x0 + 2), to.x1 - 2) + (n % 5) * 3;
        ty = to.y + BAR + 1;
      }
      const fx = from.x, fy = from.y - R;
      const lift = Math.min(60, Math.abs(fx - tx) / 3 + 12);
      const path = pathOf(a);
      path.setAttribute('d', `M${fx},${fy} C${fx},${fy - lift} ${tx},${ty - (to.s ? lift : -lift / 2)} ${tx},${ty}`);
      path.classList.toggle('lit', selected === a.from || selected === a.to);
    }
    gArrows.replaceChildren(...drawn.map((a) => a.path));
  }
  function redraw() {
    if (!frame) frame = requestAnimationFrame(draw);
  }
  function setWidth() {
    width = Math.max(480, box.clientWidth || 800);
    redraw();
  }
  new ResizeObserver(setWidth).observe(box);
  setWidth();

  // Zoom and pan: wheel, drag, two-finger pinch, buttons and keys.
  const MIN_SPAN = 60e3;
  function zoom(factor, at) {
    const full = home[1] - home[0];
    const span = Math.min(Math.max((view[1] - view[0]) * factor, MIN_SPAN), full * 10);
    const k = (at - view[0]) / (view[1] - view[0]);
    view = [at - k * span, at - k * span + span];
    redraw();
  }
  function pan(ms) {
    view = [view[0] + ms, view[1] + ms];
    redraw();
  }
  svg.addEventListener('wheel', (ev) => {
    ev.preventDefault();
    const rect = svg.getBoundingClientRect();
    if (ev.shiftKey || Math.abs(ev.deltaX) > Math.abs(ev.deltaY)) {
      pan(((ev.deltaX || ev.deltaY) / (width - LEFT - RIGHT)) * (view[1] - view[0]));
    } else {
      zoom(Math.exp(ev.deltaY * 0.002), tAt(ev.clientX - rect.left));
    }
  }, { passive: false });
  const pointers = new Map();
  let pinch = null;
  svg.addEventListener('pointerdown', (ev) => {
    if (ev.target.closest('.st, .ev')) return;
    svg.setPointerCapture(ev.pointerId);
    pointers.set(ev.pointerId, ev.clientX);
    pinch = null;
  });
  svg.addEventListener('pointermove', (ev) => {
    if (!pointers.has(ev.pointerId)) return;
    const rect = svg.getBoundingClientRect();
    if (pointers.size === 2) {
      const xs = [...pointers.values()];
      const other = xs.find((_, i) => [...pointers.keys()][i] !== ev.pointerId);
      const d = Math.abs(ev.clientX - other);
      if (pinch && d > 10) zoom(pinch / d, tAt((ev.clientX + other) / 2 - rect.left));
      pinch = d;
    } else {
      const dx = ev.clientX - pointers.get(ev.pointerId);
      pan((-dx / (width - LEFT - RIGHT)) * (view[1] - view[0]));
    }
    pointers.set(ev.pointerId, ev.clientX);
  });
  const up = (ev) => {
    pointers.delete(ev.pointerId);
    pinch = null;
  };
  svg.addEventListener('pointerup', up);
  svg.addEventListener('pointercancel', up);
  const centre = () => (view[0] + view[1]) / 2;
  $('zoom-in').addEventListener('click', () => zoom(0.5, centre()));
  $('zoom-out').addEventListener('click', () => zoom(2, centre()));
  $('zoom-reset').addEventListener('click', () => {
    view = home.slice();
    redraw();
  });
  box.addEventListener('keydown', (ev) => {
    const step = (view[1] - view[0]) / 8;
    const keys = {
      '+': () => zoom(0.5, centre()), '=': () => zoom(0.5, centre()), '-': () => zoom(2, centre()),
      ArrowLeft: () => pan(-step), ArrowRight: () => pan(step),
      '0': () => { view = home.slice(); redraw(); },
    };
    const item = ev.target.closest('.st, .ev');
    if (item && (ev.key === 'Enter' || ev.key === ' ')) {
      ev.preventDefault();
      choose(item.dataset.id);
    } else if (keys[ev.key] && !ev.ctrlKey && !ev.metaKey) {
      ev.preventDefault();
      keys[ev.key]();
    }
  });
  svg.addEventListener('click', (ev) => {
    const item = ev.target.closest('.st, .ev');
    if (item) choose(item.dataset.id);
  });

  // --- The response graph: columns by how deep in an exchange ----------------------
  const graphBox = $('graph');
  const inGraph = new Set(data.graph);
  const graphNodes = new Map();
  const GRAPH_MAX = 1500;
  const drawn = graphBox.querySelector('svg');
  if (drawn) {
    // Graphviz drew it (export --engine graphviz): each node's <title> is
    // its id; the nodes become buttons like the page's own.
    drawn.removeAttribute('width');
    drawn.removeAttribute('height');
    drawn.classList.add('graph', 'graphviz');
    drawn.setAttribute('role', 'presentation');
    for (const node of drawn.querySelectorAll('g.node')) {
      const title = node.querySelector('title');
      const id = title ? title.textContent : '';
      const s = statements.get(id), e = events.get(id);
      if (!s && !e) continue;
      node.dataset.id = id;
      node.classList.add(s ? 'st' : 'ev');
      node.setAttribute('tabindex', '0');
      node.setAttribute('role', 'button');
      node.setAttribute('aria-label', s ? 'In the graph: ' + describe(s) : `In the graph: event ${e.name}`);
      graphNodes.set(id, node);
    }
  } else if (inGraph.size === 0) {
    graphBox.append(el('p', { class: 'empty' }, 'No statement here responds to another.'));
  } else if (inGraph.size > GRAPH_MAX) {
    graphBox.append(el('p', { class: 'empty' }, `${inGraph.size} statements take part in exchanges: too many to draw here. The response graph of a filtered export (annals export --format html --from … --actor …) draws them.`));
  } else {
    const depth = new Map();
    const deep = (id, seen) => {
      if (depth.has(id)) return depth.get(id);
      if (seen.has(id)) return 0;
      seen.add(id);
      const s = statements.get(id);
      let d = 0;
      for (const r of s.responds_to) {
        if (inGraph.has(r.to)) d = Math.max(d, deep(r.to, seen) + 1);
        else if (events.has(r.to)) d = Math.max(d, 1);
      }
      depth.set(id, d);
      return d;
    };
    const nodes = [];
    for (const s of ordered) if (inGraph.has(s.id)) nodes.push({ id: s.id, s, col: deep(s.id, new Set()) });
    const answeredEvents = new Set();
    for (const n of nodes) for (const r of n.s.responds_to) if (events.has(r.to)) answeredEvents.add(r.to);
    for (const id of answeredEvents) nodes.push({ id, e: events.get(id), col: 0 });
    const W = 220, NH = 48, GX = 64, GY = 12;
    const cols = [];
    for (const n of nodes) {
      (cols[n.col] = cols[n.col] || []).push(n);
    }
    const tallest = Math.max(...cols.map((c) => (c ? c.length : 0)));
    const gw = cols.length * (W + GX) + 20, gh = tallest * (NH + GY) + 20;
    const g = sv('svg', { width: gw, height: gh, viewBox: `0 0 ${gw} ${gh}`, class: 'graph', role: 'presentation' });
    const gEdges = sv('g', { class: 'arrows' });
    g.append(gEdges);
    cols.forEach((c, i) => (c || []).forEach((n, j) => {
      n.x = 10 + i * (W + GX);
      n.y = 10 + j * (NH + GY);
      const node = sv('g', { class: n.s ? 'node st' : 'node ev', tabindex: '0', role: 'button', 'data-id': n.id, 'aria-label': n.s ? 'In the graph: ' + describe(n.s) : `In the graph: event ${n.e.name}` });
      node.append(sv('rect', { x: n.x, y: n.y, width: W, height: NH, rx: 6 }));
      const who = sv('text', { x: n.x + 8, y: n.y + 18, class: 'who' });
      // Who (cut to leave room) and when (whole), at 10px.
      const [name, when] = n.s ? [laneName(laneOf(n.s)), n.s.date.written] : [n.e.kind, n.e.date.written];
      who.textContent = cut(name, W - 16 - (when.length + 3) * 5.8, 5.8) + ' · ' + when;
      const what = sv('text', { x: n.x + 8, y: n.y + 36 });
      what.textContent = cut(n.s ? data.labels[n.id] : n.e.name, W - 16);
      tip(node, n.s ? `${describe(n.s)} (${n.id})` : `${n.e.name} (${n.id})`);
      node.append(who, what);
      g.append(node);
      graphNodes.set(n.id, node);
    }));
    const at = new Map(nodes.map((n) => [n.id, n]));
    const arrivals = new Map();
    for (const n of nodes) {
      if (!n.s) continue;
      for (const r of n.s.responds_to) {
        const t = at.get(r.to);
        if (!t) continue;
        const k = arrivals.get(r.to) || 0;
        arrivals.set(r.to, k + 1);
        const fx = n.x, fy = n.y + NH / 2;
        const tx = t.x + W, ty = t.y + 10 + (k % 4) * 9;
        const back = tx > fx;
        const d = back
          ? `M${fx + W / 2},${n.y} C${fx + W / 2},${n.y - 40} ${t.x + W / 2},${t.y - 40} ${t.x + W / 2},${t.y}`
          : `M${fx},${fy} C${fx - GX / 2},${fy} ${tx + GX / 2},${ty} ${tx},${ty}`;
        const path = sv('path', { d, class: 'arrow', stroke: data.stances[r.stance], 'marker-end': `url(#head-${r.stance})` });
        tip(path, `${r.stance}: ${n.id} → ${r.to}`);
        gEdges.append(path);
      }
    }
    graphBox.append(g);
  }
  graphBox.addEventListener('click', (ev) => {
    const item = ev.target.closest('.node[data-id]');
    if (item) choose(item.dataset.id);
  });
  graphBox.addEventListener('keydown', (ev) => {
    const item = ev.target.closest('.node[data-id]');
    if (item && (ev.key === 'Enter' || ev.key === ' ')) {
      ev.preventDefault();
      choose(item.dataset.id);
    }
  });

  // --- The list of statements ------------------------------------------------------
  const list = $('list');
  const items = new Map();
  for (const s of ordered) {
    const button = el('button', { type: 'button', 'data-id': s.id },
      el('time', {}, s.date.written), ' ', el('strong', {}, laneName(laneOf(s))), ': ', data.labels[s.id]);
    const li = el('li', {}, button);
    list.append(li);
    items.set(s.id, { li, button });
  }
  // On paper the list carries each summary: added when printing starts.
  window.addEventListener('beforeprint', () => {
    if (list.querySelector('.summary')) return;
    for (const s of ordered) items.get(s.id).li.append(el('p', { class: 'summary' }, s.summary));
  });
  list.addEventListener('click', (ev) => {
    const b = ev.target.closest('button[data-id]');
    if (b) choose(b.dataset.id);
  });

  // --- Filters applied --------------------------------------------------------------
  function applyFilters() {
    let n = 0;
    for (const s of data.statements) {
      const keep = shown(s);
      if (keep) n += 1;
      const m = marks.get(s.id);
      if (m && m.hidden !== !keep) {
        m.hidden = !keep;
        m.g.style.display = keep ? '' : 'none';
      }
      const item = items.get(s.id);
      if (item.li.hidden !== !keep) item.li.hidden = !keep;
      const node = graphNodes.get(s.id);
      if (node) node.classList.toggle('dim', !keep);
    }
    $('count').textContent = `${n} of ${data.statements.length} statements shown`;
    redraw();
  }

  // --- The panel ---------------------------------------------------------------------
  const panel = $('panel');
  let selected = null;
  const link = (id, text) => el('button', { type: 'button', class: 'link', 'data-id': id }, text);
  const nameOf = (id) => {
    const s = statements.get(id);
    if (s) return `${laneName(laneOf(s))}, ${s.date.written}: ${data.labels[id]}`;
    const e = events.get(id);
    return e ? `${e.name} (${e.date.written})` : id;
  };
  function field(dl, term, ...value) {
    if (!value.length || value.every((v) => v === null || v === undefined || v === '')) return;
    dl.append(el('dt', {}, term), el('dd', {}, ...value));
  }
  function sourceItem(src) {
    const parts = [];
    if (src.outlet) parts.push(src.outlet.name);
    if (src.title) parts.push(`“${src.title}”`);
    if (src.date) parts.push(src.date.written);
    const text = parts.join(', ') || src.url || 'source';
    const safe = (u) => typeof u === 'string' && /^https?:\/\//i.test(u);
    const li = el('li', {}, safe(src.url) ? el('a', { href: src.url, rel: 'noopener noreferrer external' }, text) : text);
    if (src.url && !safe(src.url)) li.append(' ', el('code', {}, src.url));
    if (safe(src.archived)) li.append(' (', el('a', { href: src.archived, rel: 'noopener noreferrer external' }, 'archived'), ')');
    return li;
  }
  function statementPanel(s) {
    const body = [];
    body.push(el('p', { class: 'meta' }, `${s.speakers.map((p) => p.name + (p.role ? `, ${p.role.title} (${p.role.of.name})` : '')).join('; ')} · ${s.date.written} · ${s.kind}`));
    body.push(el('p', { class: 'summary' }, s.summary));
    for (const q of s.quotes) {
      const quote = el('blockquote', { lang: q.lang || null }, q.text);
      body.push(quote);
      if (q.original) body.push(el('p', { class: 'original', lang: q.original_lang || null }, 'Original: ', q.original));
    }
    const dl = el('dl');
    if (s.at) field(dl, 'At', link(s.at.id, s.at.name));
    if (s.on_behalf_of) field(dl, 'On behalf of', s.on_behalf_of.name);
    if (s.responds_to.length) {
      field(dl, 'Responds to', el('ul', {}, ...s.responds_to.map((r) => el('li', {}, el('span', { class: 'stance', 'data-stance': r.stance }, r.stance), ' ', statements.has(r.to) || events.has(r.to) ? link(r.to, nameOf(r.to)) : r.to))));
    }
    const back = responders.get(s.id) || [];
    if (back.length) {
      field(dl, 'Responses', el('ul', {}, ...back.map((r) => el('li', {}, el('span', { class: 'stance', 'data-stance': r.stance }, r.stance), ' ', link(r.from, nameOf(r.from))))));
    }
    if (s.verdicts.length) field(dl, 'Verdicts', el('ul', {}, ...s.verdicts.map((v) => el('li', {}, `${v.rating}, by ${v.by.name}` + (v.date ? ` (${v.date.written})` : '') + (v.note ? `: ${v.note}` : '')))));
    if (s.status) field(dl, 'Status', `${s.status.kind}` + (s.status.date ? ` ${s.status.date.written}` : '') + (s.status.note ? `: ${s.status.note}` : ''));
    if (s.about.length) field(dl, 'About', s.about.map((a) => a.name).join(', '));
    if (s.topics.length) field(dl, 'Topics', s.topics.join(', '));
    if (s.sources.length) field(dl, 'Sources', el('ul', {}, ...s.sources.map(sourceItem)));
    if (s.note) field(dl, 'Note', s.note);
    field(dl, 'Id', el('code', {}, s.id));
    body.push(dl);
    return [s.title || data.labels[s.id], body];
  }
  function eventPanel(e) {
    const body = [el('p', { class: 'meta' }, `${e.kind} · ${e.date.written}` + (e.place ? ` · ${e.place}` : ''))];
    const dl = el('dl');
    if (e.part_of) field(dl, 'Part of', events.has(e.part_of.id) ? link(e.part_of.id, e.part_of.name) : e.part_of.name);
    if (e.participants.length) field(dl, 'Participants', e.participants.map((p) => `${p.name} (${p.role})`).join(', '));
    const said = ordered.filter((s) => s.at && s.at.id === e.id);
    if (said.length) field(dl, 'Statements', el('ul', {}, ...said.map((s) => el('li', {}, link(s.id, nameOf(s.id))))));
    const back = responders.get(e.id) || [];
    if (back.length) field(dl, 'Responses', el('ul', {}, ...back.map((r) => el('li', {}, el('span', { class: 'stance', 'data-stance': r.stance }, r.stance), ' ', link(r.from, nameOf(r.from))))));
    if (e.topics.length) field(dl, 'Topics', e.topics.join(', '));
    if (e.sources.length) field(dl, 'Sources', el('ul', {}, ...e.sources.map(sourceItem)));
    if (e.note) field(dl, 'Note', e.note);
    field(dl, 'Id', el('code', {}, e.id));
    body.push(dl);
    return [e.name, body];
  }
  function show(id) {
    const s = statements.get(id), e = events.get(id);
    for (const n of document.querySelectorAll('.selected')) n.classList.remove('selected');
    if (!s && !e) {
      selected = null;
      panel.replaceChildren(el('h2', { id: 'panel-heading', tabindex: '-1' }, 'Select a statement'),
        el('p', { class: 'hint' }, id ? `Nothing here has the id “${id}”.` : 'Click a marker, a node of the graph or an item of the list to read it here.'));
      redraw();
      return;
    }
    selected = id;
    const [heading, body] = s ? statementPanel(s) : eventPanel(e);
    panel.replaceChildren(el('h2', { id: 'panel-heading', tabindex: '-1' }, heading), ...body);
    const m = marks.get(id) || bars.get(id);
    if (m) {
      m.g.classList.add('selected');
      const t = s ? (s.span ? s.pos : null) : e.span ? mid(e.span) : null;
      if (t !== null && (t < view[0] || t > view[1])) pan(t - centre());
    }
    const node = graphNodes.get(id);
    if (node) node.classList.add('selected');
    const item = items.get(id);
    if (item) item.button.classList.add('selected');
    redraw();
  }
  /** Selects an item: the URL's hash keeps it, so a link can open it. */
  function choose(id) {
    const hash = '#' + encodeURIComponent(id);
    if (location.hash !== hash) {
      history.pushState(null, '', hash);
    }
    show(id);
  }
  panel.addEventListener('click', (ev) => {
    const b = ev.target.closest('button[data-id]');
    if (!b) return;
    choose(b.dataset.id);
    const h = $('panel-heading');
    if (h) h.focus();
  });
  const fromHash = () => {
    let id = '';
    try {
      id = decodeURIComponent(location.hash.slice(1));
    } catch (_) {
      id = location.hash.slice(1);
    }
    show(id);
  };
  window.addEventListener('hashchange', fromHash);
  window.addEventListener('popstate', fromHash);
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && selected) {
      history.pushState(null, '', location.pathname + location.search);
      show('');
    }
  });

  applyFilters();
  fromHash();
  draw();
  document.documentElement.dataset.readyMs = String(Math.round(performance.now()));
  document.documentElement.dataset.ready = 'true';
})();

// The explorer page's script (runs in the browser, inlined by src/explore/page.ts after vega and
// vega-lite). Plain ES2017 with no imports: the page must work from file:// with no network.
// Every string from the data (scenario, miner, metric names) reaches the DOM through textContent
// or Vega's text marks, never through innerHTML, so hostile names are shown, not executed.
(function () {
  'use strict';
  var MISSING = 65535;
  var COLORS = { median: '#1f4e79', inner: '#8fb3d9', outer: '#d6e4f2', a: '#1f4e79', aOuter: '#d6e4f2', b: '#b35806', bOuter: '#fee0b6', path: '#5b6670', hover: '#c0504d', ref: '#888888', sel: '#1f4e79', all: '#cfd6dd' };
  var DEFAULT_SERIES = ['hashrate_ehs', 'price_usd', 'treasury_btc', 'debt_usd', 'ltv', 'ai_mw', 'hashprice_usd_per_ph_day', 'sold_cum_btc'];
  var DEFAULT_SUMMARY = ['final_hashrate_ehs', 'min_hashrate_ehs', 'final_price_usd', 'liquidated_total_btc'];
  // aria: false: Vega-Lite would otherwise format an ARIA description for every mark item (every
  // path point) on every redraw, a large share of a brush's time; the page's tables carry the text.
  var THEME = { aria: false, font: 'DejaVu Sans, Segoe UI, Helvetica, Arial, sans-serif', padding: 6, view: { stroke: null }, axis: { labelFontSize: 11, titleFontSize: 11, gridColor: '#e6e6e6', labelOverlap: true }, title: { anchor: 'start', fontSize: 13 } };

  // Axis labels: SI prefixes from a million up (1.2G USD), plain grouped numbers below (0.55 LTV).
  var BIG_LABELS = "abs(datum.value) >= 1e6 ? format(datum.value, '.3~s') : format(datum.value, ',.6~g')";
  // busy: redraws scheduled or in flight (0 = what is shown matches the current selection).
  var app = (window.__explore = { views: {}, lastUpdateMs: null, updates: 0, busy: 0, ready: false });

  // ---------- small DOM helpers (text only) ----------
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      if (k === 'text') e.textContent = attrs[k];
      else if (k === 'className') e.className = attrs[k];
      else if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), attrs[k]);
      else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c !== null && c !== undefined) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return e;
  }
  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); }
  function fmt(v) {
    if (v === null || v === undefined || !isFinite(v)) return '—';
    var a = Math.abs(v);
    if (a !== 0 && (a >= 1e7 || a < 1e-3)) return v.toExponential(3);
    return NF.format(v);
  }
  // One formatter for all numbers: toLocaleString builds a new one per call, too slow per brush.
  var NF = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4 });
  function label(metric) { var l = (app.payload.labels || {})[metric]; return l || metric; }
  function shellQuote(s) { s = String(s); return /^[A-Za-z0-9_.,:\/=+-]+$/.test(s) ? s : "'" + s.replace(/'/g, "'\\''") + "'"; }

  // ---------- numbers ----------
  function decode(block) {
    if (block._values) return block._values;
    var bin = atob(block.data);
    var n = bin.length >> 1;
    var out = new Float64Array(n);
    for (var i = 0; i < n; i++) {
      var c = bin.charCodeAt(2 * i) | (bin.charCodeAt(2 * i + 1) << 8);
      out[i] = c === MISSING ? NaN : block.min + c * block.scale;
    }
    block._values = out;
    return out;
  }
  function q7(sorted, p) {
    var h = (sorted.length - 1) * p, lo = Math.floor(h);
    return lo + 1 < sorted.length ? sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]) : sorted[lo];
  }
  function stats(values) {
    var v = new Float64Array(values.length), n = 0;
    for (var i = 0; i < values.length; i++) { var x = values[i]; if (x !== null && isFinite(x)) v[n++] = x; }
    v = v.subarray(0, n).sort(); // typed-array sort is numeric and much faster than Array#sort
    if (!v.length) return { n: 0, mean: null, p5: null, p50: null, p95: null };
    var s = 0; v.forEach(function (x) { s += x; });
    return { n: v.length, mean: s / v.length, p5: q7(v, 0.05), p50: q7(v, 0.5), p95: q7(v, 0.95) };
  }
  function dateMs(set, day) {
    if (set._t0 === undefined) set._t0 = Date.parse(set.startDate + 'T00:00:00Z');
    return set._t0 + day * 86400000;
  }

  // A set prepared for the page: lookups from run index to positions.
  function prepare(set) {
    if (set._pos) return set;
    set._pos = {};
    set.runs.forEach(function (r, k) { set._pos[r] = k; });
    set._slot = {};
    set.seriesRuns.forEach(function (k, s) { set._slot[set.runs[k]] = s; });
    set._blocks = {};
    set.series.forEach(function (b) { set._blocks[b.metric] = b; });
    (set.minerSeries || []).forEach(function (b) { set._blocks[b.metric] = b; });
    set._summary = {};
    set.summaries.forEach(function (s) { set._summary[s.metric] = s.values; });
    // Seeded order of runs for the path overlay: the same runs on every chart and every reload.
    var h = 2166136261, seed = String(set.seed) + ':paths';
    for (var i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619);
    var a = h >>> 0;
    function u() { a = (a + 0x6d2b79f5) >>> 0; var t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; }
    var order = set.seriesRuns.map(function (k) { return set.runs[k]; });
    for (var j = order.length - 1; j > 0; j--) { var x = Math.floor(u() * (j + 1)); var t = order[j]; order[j] = order[x]; order[x] = t; }
    set._pathOrder = order;
    return set;
  }
  // Series value of run r at shown step p (NaN if the run has no embedded series).
  function seriesOf(set, metric, r) {
    var b = set._blocks[metric], s = set._slot[r];
    if (!b || s === undefined) return null;
    var v = decode(b), P = set.days.length;
    return v.subarray(s * P, (s + 1) * P);
  }
  // Step-major copy of a metric (all embedded runs of step p side by side): the bands of a
  // selection then read contiguous memory, which is what keeps a brush on 1,000 runs fast.
  function stepMajor(set, metric) {
    var b = set._blocks[metric];
    if (!b) return null;
    if (b._sm) return b._sm;
    var v = decode(b), P = set.days.length, N = set.seriesRuns.length, sm = new Float64Array(P * N);
    for (var s = 0; s < N; s++) for (var p = 0; p < P; p++) sm[p * N + s] = v[s * P + p];
    b._sm = sm;
    return sm;
  }
  // Per shown step, the embedded runs' slots in ascending order of their value (missing values left
  // out; cnt[p] slots at step p). Built once per metric: the bands of any selection are then one
  // pass over this order, keeping the selected slots, with no sort on a brush. Sorting keys
  // code * 2^20 + slot (exact in a double) puts equal values in slot order.
  var SLOT_BITS = 1048576;
  function stepOrder(set, metric) {
    var b = set._blocks[metric];
    if (!b) return null;
    if (b._ord) return b._ord;
    var v = decode(b), P = set.days.length, N = set.seriesRuns.length;
    if (N >= SLOT_BITS) return null;
    var ord = new Int32Array(P * N), cnt = new Int32Array(P), keys = new Float64Array(N);
    for (var p = 0; p < P; p++) {
      var m = 0;
      for (var s = 0; s < N; s++) { var x = v[s * P + p]; if (x === x) keys[m++] = Math.round((x - b.min) / b.scale) * SLOT_BITS + s; }
      var k = keys.subarray(0, m).sort(), base = p * N;
      for (var j = 0; j < m; j++) ord[base + j] = k[j] % SLOT_BITS;
      cnt[p] = m;
    }
    b._ord = { ord: ord, cnt: cnt };
    return b._ord;
  }
  // Bands (type-7 quantiles, as bands.parquet) over the given runs at every shown step.
  function bands(set, metric, runs) {
    var sm = stepMajor(set, metric), so = stepOrder(set, metric);
    if (!sm || !so) return [];
    var N = set.seriesRuns.length, sel = new Uint8Array(N), k = 0;
    runs.forEach(function (r) { var sl = set._slot[r]; if (sl !== undefined && !sel[sl]) { sel[sl] = 1; k++; } });
    return walkBands(set, sm, so, N, sel, k);
  }
  // Bands of the selected slots (sel, k of them) from step-major values sm and their per-step order.
  function walkBands(set, sm, so, N, sel, k) {
    var P = set.days.length, rows = [], b2 = new Float64Array(k), ord = so.ord, cnt = so.cnt;
    for (var q = 0; q < P; q++) {
      // Walk the step's slots in value order, keeping the selected ones: b2 comes out sorted.
      var m = 0, tot = 0, base = q * N, c = cnt[q];
      for (var j = 0; j < c && m < k; j++) { var sl = ord[base + j]; if (sel[sl]) { var y = sm[base + sl]; b2[m++] = y; tot += y; } }
      if (!m) continue;
      var w = b2.subarray(0, m);
      rows.push({ date: dateMs(set, set.days[q]), day: set.days[q], n: m, mean: tot / m, p5: q7(w, 0.05), p25: q7(w, 0.25), p50: q7(w, 0.5), p75: q7(w, 0.75), p95: q7(w, 0.95) });
    }
    return rows;
  }
  // Bands of the paired differences B − A of the given runs (a comparison page): the per-run
  // differences of every run of the universe, step-major, and their per-step order are made once
  // per metric, so a brush walks them like the bands of one set.
  function diffBands(A, B, metric, universe, runs) {
    A._diff = A._diff || {};
    var D = A._diff[metric], P = A.days.length, U = universe.length;
    if (!D) {
      var sm = new Float64Array(P * U), ord = new Int32Array(P * U), cnt = new Int32Array(P), pos = {};
      universe.forEach(function (r, u) {
        pos[r] = u;
        var a = seriesOf(A, metric, r), b = seriesOf(B, metric, r);
        for (var p = 0; p < P; p++) sm[p * U + u] = a && b && p < b.length ? b[p] - a[p] : NaN;
      });
      for (var p = 0; p < P; p++) {
        var base = p * U, idx = [];
        for (var u = 0; u < U; u++) { var x = sm[base + u]; if (x === x && isFinite(x)) idx.push(u); }
        idx.sort(function (i, j) { return sm[base + i] - sm[base + j] || i - j; });
        ord.set(idx, base);
        cnt[p] = idx.length;
      }
      D = A._diff[metric] = { sm: sm, so: { ord: ord, cnt: cnt }, pos: pos };
    }
    var sel = new Uint8Array(U), k = 0;
    runs.forEach(function (r) { var u = D.pos[r]; if (u !== undefined && !sel[u]) { sel[u] = 1; k++; } });
    return walkBands(A, D.sm, D.so, U, sel, k);
  }
  // The path overlay: one row per drawn run ({ run, dates, values }, the run's shown series, not
  // copied), drawn by one Vega path mark (explorePath below), and the extent of their values, which
  // the y scale includes. Rows per run, not per point: a brush replaces a few dozen tuples, not
  // thousands, in each chart's dataflow.
  function pathRows(set, metric, runs) {
    var dates = set._dates || (set._dates = set.days.map(function (d) { return dateMs(set, d); }));
    var rows = [], lo = Infinity, hi = -Infinity;
    runs.forEach(function (r) {
      var s = seriesOf(set, metric, r);
      if (!s) return;
      for (var p = 0; p < s.length; p++) { var x = s[p]; if (x === x) { if (x < lo) lo = x; if (x > hi) hi = x; } }
      rows.push({ run: r, dates: dates, values: s });
    });
    return { rows: rows, extent: lo <= hi ? [{ value: lo }, { value: hi }] : [] };
  }
  // SVG path (pixels) of one path row for the chart's current x (time) and y (linear) scales, given
  // as domain and range so that Vega re-encodes the paths whenever a scale changes. Missing values
  // break the line (as the bands do). The path also comes parsed (Vega's own form: ['M', x, y],
  // ['L', x, y], ..., with .path the string), set on the item as its pathCache, so that Vega does
  // not parse the string again to bound and draw it.
  function pixelPath(d, dx, rx, dy, ry) {
    var sig = [+dx[0], +dx[dx.length - 1], rx[0], rx[1], +dy[0], +dy[dy.length - 1], ry[0], ry[1]].join(',');
    if (d._pp && d._pp.sig === sig) return d._pp.parsed;
    var xs = d.dates, ys = d.values, n = Math.min(xs.length, ys.length);
    var x0 = +dx[0], kx = (rx[1] - rx[0]) / (+dx[dx.length - 1] - x0), y0 = +dy[0], ky = (ry[1] - ry[0]) / (+dy[dy.length - 1] - y0);
    if (!isFinite(kx)) kx = 0;
    if (!isFinite(ky)) ky = 0;
    var parsed = [], text = [], pen = false;
    for (var p = 0; p < n; p++) {
      var v = ys[p];
      if (v !== v) { pen = false; continue; }
      var cmd = pen ? 'L' : 'M', x = Math.round((rx[0] + (xs[p] - x0) * kx) * 10) / 10, y = Math.round((ry[0] + (v - y0) * ky) * 10) / 10;
      parsed.push([cmd, x, y]);
      text.push(cmd + x + ',' + y);
      pen = true;
    }
    parsed.path = text.join('');
    d._pp = { sig: sig, parsed: parsed };
    return parsed;
  }
  vega.expressionFunction('explorePath', function (d, dx, rx, dy, ry) { return d && d.values ? pixelPath(d, dx, rx, dy, ry).path : ''; });
  vega.expressionFunction('explorePathParsed', function (d, dx, rx, dy, ry) { return d && d.values ? pixelPath(d, dx, rx, dy, ry) : null; });
  // Adds the path overlay to a compiled fan chart (Vega spec): the datasets, the y scale's share,
  // and the two path marks (all drawn runs; the hovered one) before the mark named `before`.
  function addPathMarks(vg, before) {
    vg.data.push({ name: 'paths' }, { name: 'paths_hover', source: 'paths', transform: [{ type: 'filter', expr: 'datum.run === hoverRun' }] }, { name: 'pathExtent' });
    var y = vg.scales.filter(function (sc) { return sc.name === 'y'; })[0];
    if (y.domain.fields) y.domain.fields.push({ data: 'pathExtent', field: 'value' });
    else y.domain = { fields: [{ data: y.domain.data, field: y.domain.field }, { data: 'pathExtent', field: 'value' }] };
    var args = "(datum, domain('x'), range('x'), domain('y'), range('y'))";
    var path = { signal: 'explorePath' + args }, parsed = { signal: 'explorePathParsed' + args };
    var marks = [
      { name: 'paths_marks', type: 'path', interactive: false, from: { data: 'paths' }, encode: { update: { path: path, pathCache: parsed, stroke: { value: COLORS.path }, strokeWidth: { value: 1 }, strokeOpacity: { value: 0.35 } } } },
      { name: 'paths_hover_marks', type: 'path', interactive: false, from: { data: 'paths_hover' }, encode: { update: { path: path, pathCache: parsed, stroke: { value: COLORS.hover }, strokeWidth: { value: 2.5 } } } },
    ];
    var at = -1;
    vg.marks.forEach(function (m, i) { if (at < 0 && m.name === before) at = i; });
    if (at < 0) at = vg.marks.length;
    Array.prototype.splice.apply(vg.marks, [at, 0].concat(marks));
    return vg;
  }

  // ---------- Vega views ----------
  function tooltip(handler, event, item, value) {
    var tip = document.getElementById('tooltip');
    if (value === null || value === undefined || value === '') { tip.style.display = 'none'; return; }
    clear(tip);
    if (typeof value === 'object') {
      var t = el('table');
      Object.keys(value).forEach(function (k) { t.appendChild(el('tr', null, [el('td', null, [el('b', { text: k })]), el('td', { text: typeof value[k] === 'number' ? fmt(value[k]) : String(value[k]) })])); });
      tip.appendChild(t);
    } else tip.textContent = String(value);
    tip.style.display = 'block';
    tip.style.left = event.pageX + 14 + 'px';
    tip.style.top = event.pageY + 10 + 'px';
  }
  function mount(id, container, vlSpec, data, post) {
    if (app.views[id]) { app.views[id].finalize(); delete app.views[id]; }
    clear(container);
    var spec = Object.assign({ $schema: 'https://vega.github.io/schema/vega-lite/v6.json', config: THEME }, vlSpec);
    var vg = vegaLite.compile(spec).spec;
    if (post) post(vg);
    var t = vlSpec.title && (vlSpec.title.text || vlSpec.title);
    var host = el('div', { className: 'vega-host', role: 'img', 'aria-label': typeof t === 'string' ? t : id });
    container.appendChild(host);
    // Canvas draws dozens of paths faster than SVG on every brush; SVG export still works.
    var view = new vega.View(vega.parse(vg), { renderer: 'canvas', container: host, hover: true });
    view.tooltip(tooltip);
    Object.keys(data || {}).forEach(function (name) { view.data(name, data[name]); });
    app.views[id] = view;
    container.appendChild(el('div', { className: 'export' }, [
      el('button', { type: 'button', text: 'PNG', title: 'save this chart as PNG', onclick: function () { exportView(view, id, 'png'); } }),
      el('button', { type: 'button', text: 'SVG', title: 'save this chart as SVG', onclick: function () { exportView(view, id, 'svg'); } }),
    ]));
    return view;
  }
  function mountFan(id, container, opts) {
    var f = fanSpec(opts);
    return mount(id, container, f.spec, {}, f.post);
  }
  function exportView(view, id, type) {
    view.toImageURL(type, type === 'png' ? 2 : 1).then(function (url) {
      var a = el('a', { href: url, download: (app.payload.title || 'hashsim').replace(/[^A-Za-z0-9_.-]+/g, '_') + '-' + id + '.' + type });
      document.body.appendChild(a); a.click(); a.remove();
    }).catch(function (e) { console.error(e); });
  }
  // Replaces named datasets of a view and re-renders; resolves when drawn.
  function setData(view, data) {
    Object.keys(data).forEach(function (name) { view.data(name, data[name]); });
    return view.runAsync();
  }

  // Histogram with an interval brush on x: bins computed here so the brush reads raw values.
  function histogramSpec(title, width) {
    return {
      width: width, height: 150, autosize: { type: 'fit-x', contains: 'padding' }, title: { text: title, subtitle: 'drag to select runs; double-click to clear' },
      layer: [
        { data: { name: 'bins' }, params: [{ name: 'brush', select: { type: 'interval', encodings: ['x'] } }], mark: { type: 'rect', color: COLORS.all },
          encoding: { x: { field: 'x0', type: 'quantitative', title: title, scale: { zero: false }, axis: { tickCount: 8, labelExpr: BIG_LABELS } }, x2: { field: 'x1' }, y: { field: 'all', type: 'quantitative', title: 'runs' }, y2: { datum: 0 },
            tooltip: [{ field: 'x0', title: 'from', format: '.4~g' }, { field: 'x1', title: 'to', format: '.4~g' }, { field: 'all', title: 'runs' }, { field: 'sel', title: 'selected' }] } },
        { data: { name: 'bins' }, mark: { type: 'rect', color: COLORS.sel, opacity: 0.85 }, encoding: { x: { field: 'x0', type: 'quantitative' }, x2: { field: 'x1' }, y: { field: 'sel', type: 'quantitative' }, y2: { datum: 0 } } },
      ],
    };
  }
  function binRows(values, selected) {
    var fin = [];
    values.forEach(function (v, i) { if (v !== null && isFinite(v)) fin.push(i); });
    if (!fin.length) return [];
    var lo = Infinity, hi = -Infinity;
    fin.forEach(function (i) { lo = Math.min(lo, values[i]); hi = Math.max(hi, values[i]); });
    var nb = Math.min(40, Math.max(1, Math.ceil(Math.sqrt(fin.length)) + 1));
    if (hi === lo) { hi = lo + (Math.abs(lo) || 1) * 0.01; lo = lo - (Math.abs(lo) || 1) * 0.01; nb = 1; }
    var w = (hi - lo) / nb, rows = [];
    for (var b = 0; b < nb; b++) rows.push({ x0: lo + b * w, x1: b === nb - 1 ? hi : lo + (b + 1) * w, all: 0, sel: 0 });
    fin.forEach(function (i) { var b = Math.min(nb - 1, Math.floor((values[i] - lo) / w)); rows[b].all++; if (!selected || selected[i]) rows[b].sel++; });
    return rows;
  }

  // A fan chart: quantile bands (one or two sets), optional all-runs median, optional paths.
  function fanSpec(opts) {
    var layers = [];
    (opts.bands || []).forEach(function (b) {
      layers.push({ data: { name: b.name }, mark: { type: 'area', color: b.outer, opacity: 0.7 }, encoding: { x: { field: 'date', type: 'temporal', title: null }, y: { field: 'p5', type: 'quantitative', title: opts.yTitle, scale: { zero: false }, axis: { labelExpr: BIG_LABELS } }, y2: { field: 'p95' } } });
      layers.push({ data: { name: b.name }, mark: { type: 'area', color: b.inner, opacity: 0.6 }, encoding: { x: { field: 'date', type: 'temporal' }, y: { field: 'p25', type: 'quantitative' }, y2: { field: 'p75' } } });
    });
    if (opts.ref) layers.push({ data: { name: 'ref' }, mark: { type: 'line', color: COLORS.ref, strokeDash: [4, 3], strokeWidth: 1.2 }, encoding: { x: { field: 'date', type: 'temporal' }, y: { field: 'p50', type: 'quantitative' } } });
    // The individual paths are not a Vega-Lite layer: addPathMarks puts them here (pathsBefore).
    var pathsBefore = 'layer_' + layers.length + '_marks';
    (opts.bands || []).forEach(function (b) {
      layers.push({ data: { name: b.name }, mark: { type: 'line', color: b.color, strokeWidth: 2 }, encoding: { x: { field: 'date', type: 'temporal' }, y: { field: 'p50', type: 'quantitative' },
        tooltip: [{ field: 'date', type: 'temporal', title: 'date', format: '%Y-%m-%d' }, { field: 'p50', title: b.label + ' median', format: '.4~g' }, { field: 'p5', title: '5th pct', format: '.4~g' }, { field: 'p95', title: '95th pct', format: '.4~g' }, { field: 'n', title: 'runs' }] } });
    });
    layers.push({ data: { name: 'runs' }, transform: [{ calculate: "'n = ' + datum.n + ' runs'", as: 'label' }],
      mark: { type: 'text', align: 'right', baseline: 'top', fontSize: 11, color: '#333' }, encoding: { text: { field: 'label' }, x: { value: { expr: 'width - 4' } }, y: { value: 4 } } });
    // fit: the whole chart, axis labels included, is opts.width wide, whatever the labels' length.
    var spec = { width: opts.width, height: opts.height || 200, autosize: { type: 'fit-x', contains: 'padding' }, title: { text: opts.title, subtitle: opts.subtitle || '' }, params: [{ name: 'hoverRun', value: -1 }], layer: layers };
    return { spec: spec, post: opts.paths ? function (vg) { addPathMarks(vg, pathsBefore); } : null };
  }

  // ---------- the explorer of one set (also a sweep point) or a pair of sets ----------
  // sets: [set] or [A, B]; root: container element; idPrefix distinguishes views of sweeps.
  function Explorer(root, sets, idPrefix, paired) {
    var self = this;
    this.sets = sets.map(prepare);
    this.compare = sets.length === 2;
    this.paired = paired;
    this.root = root;
    this.id = idPrefix;
    var A = this.sets[0], B = this.sets[1];
    // The runs a selection ranges over: the ok runs (of both sets when comparing, by run index).
    this.universe = this.compare ? A.runs.filter(function (r) { return B._pos[r] !== undefined; }) : A.runs.slice();
    this.filter = { metric: null, range: null, outcome: null };
    this.hoverRun = -1;
    this.pathCount = this.compare ? 0 : 30;
    this.width = Math.max(360, Math.min(600, Math.floor((root.clientWidth || 1100) / 2) - 24));

    // Filter options: summary metrics of the set (A, B and B - A when comparing).
    this.filterOptions = [];
    function addOpts(set, prefix, which) { set.summaries.forEach(function (s) { self.filterOptions.push({ key: which + ':' + s.metric, text: prefix + label(s.metric) + ' (' + s.metric + ')', metric: s.metric, which: which }); }); }
    if (this.compare) { addOpts(A, 'A: ', 'a'); addOpts(B, 'B: ', 'b'); if (paired) addOpts(A, 'B − A: ', 'd'); } else addOpts(A, '', 'a');
    var seriesMetrics = A.series.map(function (b) { return b.metric; }).concat((A.minerSeries || []).map(function (b) { return b.metric; }));
    this.seriesMetrics = seriesMetrics;
    var defaults = DEFAULT_SERIES.filter(function (m) { return seriesMetrics.indexOf(m) >= 0; }).concat(seriesMetrics).filter(function (m, i, a) { return a.indexOf(m) === i; });
    this.panels = defaults.slice(0, 4).map(function (m) { return { metric: m }; });

    // Layout
    clear(root);
    this.status = el('div', { className: 'status', 'data-role': 'status', 'aria-live': 'polite' });
    var clearBtn = el('button', { type: 'button', text: 'Clear selection', 'data-role': 'clear', onclick: function () { self.clearSelection(); } });
    this.metricSelect = el('select', { 'data-role': 'filter-metric', 'aria-label': 'summary metric to filter on', onchange: function () { self.filter.metric = self.metricSelect.value; self.filter.range = null; self.drawHistogram(); self.update(); } });
    this.filterOptions.forEach(function (o) { self.metricSelect.appendChild(el('option', { value: o.key, text: o.text })); });
    var first = DEFAULT_SUMMARY.map(function (m) { return 'a:' + m; }).filter(function (k) { return self.filterOptions.some(function (o) { return o.key === k; }); })[0] || (this.filterOptions[0] && this.filterOptions[0].key);
    this.filter.metric = first || null;
    if (first) this.metricSelect.value = first;
    this.histBox = el('div', { className: 'chart', 'data-role': 'histogram' });
    var pathInput = el('input', { type: 'number', min: '0', max: '200', value: String(this.pathCount), 'data-role': 'path-count', 'aria-label': 'number of individual runs drawn', onchange: function () { self.pathCount = Math.max(0, Math.min(200, Number(pathInput.value) || 0)); self.update(); } });
    this.runBox = el('div', { className: 'run-info', 'data-role': 'run-info' }, [el('p', { className: 'muted', text: 'Hover a grey path to see that run here.' })]);
    this.panelBox = el('div', { className: 'panels' });
    this.summaryBox = el('div', { 'data-role': 'summary-table' });
    this.minerBox = el('div', { 'data-role': 'miners' });

    root.appendChild(el('section', { className: 'filter' }, [
      el('h2', { text: 'Select runs' }),
      el('div', { className: 'controls' }, [el('label', null, ['Summary metric ', this.metricSelect]), clearBtn,
        this.compare ? null : el('label', null, ['Individual runs drawn ', pathInput])]),
      this.status, this.histBox,
    ]));
    root.appendChild(el('section', null, [el('h2', { text: this.compare ? 'Series: A and B, and paired differences' : 'Series over time' }), this.compare ? null : this.runBox, this.panelBox,
      seriesMetrics.length ? el('div', { className: 'controls' }, [el('button', { type: 'button', text: 'Add a chart', onclick: function () { self.panels.push({ metric: seriesMetrics[0] }); self.drawPanels(); self.update(); } })])
        : el('p', { className: 'muted', text: 'No series metric varies across these runs.' })]));
    root.appendChild(el('section', null, [el('h2', { text: 'Named miners' }), this.minerBox]));
    root.appendChild(el('section', null, [el('h2', { text: 'Summary metrics of the selected runs' }), this.summaryBox]));
    this.drawHistogram();
    this.drawPanels();
    this.observeTables();
    this.update();
  }

  Explorer.prototype.filterValues = function () {
    var o = this.filterOptions.filter(function (x) { return x.key === this.filter.metric; }, this)[0];
    if (!o) return this.universe.map(function () { return null; });
    var A = this.sets[0], B = this.sets[1];
    return this.universe.map(function (r) {
      var a = A._summary[o.metric] ? A._summary[o.metric][A._pos[r]] : null;
      if (o.which === 'a') return a;
      var b = B._summary[o.metric] ? B._summary[o.metric][B._pos[r]] : null;
      if (o.which === 'b') return b;
      return a === null || b === null ? null : b - a;
    });
  };
  // Selected runs: summary value inside the brushed range (inclusive) and the chosen miner outcome.
  Explorer.prototype.selectedMask = function () {
    var vals = this.filterValues(), rng = this.filter.range, oc = this.filter.outcome, A = this.sets[0];
    return this.universe.map(function (r, i) {
      if (rng) { var v = vals[i]; if (v === null || !(v >= rng[0] && v <= rng[1])) return false; }
      if (oc) { var m = A.miners[oc.miner]; if (!m || !oc.test(m, A._pos[r])) return false; }
      return true;
    });
  };
  Explorer.prototype.selectedRuns = function () { var mask = this.selectedMask(); return this.universe.filter(function (r, i) { return mask[i]; }); };

  Explorer.prototype.drawHistogram = function () {
    var self = this, o = this.filterOptions.filter(function (x) { return x.key === self.filter.metric; })[0];
    if (!o) { clear(this.histBox); this.histBox.appendChild(el('p', { className: 'muted', text: 'No summary metric with values.' })); return; }
    var view = mount(this.id + 'histogram', this.histBox, histogramSpec(o.text, Math.min(1000, this.width * 2)), { bins: binRows(this.filterValues(), null) });
    this.histView = view;
    view.addSignalListener('brush', function (name, value) {
      var keys = value ? Object.keys(value) : [];
      self.filter.range = keys.length ? value[keys[0]].slice().sort(function (a, b) { return a - b; }) : null;
      self.schedule();
    });
    view.runAsync();
  };

  // Coalesces the many brush events of a drag: at most one redraw waiting, none started while one
  // is still drawing (a slow redraw makes the brush update less often, never queues redraws up).
  // The first event of a drag starts drawing at once (in a task of its own, after Vega's run of the
  // histogram), not at the next animation frame; the waiting one starts when the one drawing is done.
  Explorer.prototype.schedule = function () {
    var self = this;
    if (this.scheduled) return;
    this.scheduled = true;
    app.busy++;
    var go = function () {
      if (self.inflight) { self.pending = go; return; }
      self.scheduled = false;
      app.busy--;
      self.inflight = true;
      self.update().then(function () {
        self.inflight = false;
        var next = self.pending;
        self.pending = null;
        if (next) setTimeout(next, 0);
      });
    };
    setTimeout(go, 0);
  };

  Explorer.prototype.clearSelection = function () {
    this.filter.range = null;
    this.filter.outcome = null;
    this.drawHistogram();
    this.update();
  };

  Explorer.prototype.drawPanels = function () {
    var self = this;
    clear(this.panelBox);
    if (this.observer) this.observer.disconnect();
    this.panelViews = [];
    this.panelFigs = [];
    this.panels.forEach(function (panel, i) {
      var box = el('div', { className: 'chart' });
      var sel = el('select', { 'aria-label': 'series metric of chart ' + (i + 1), 'data-role': 'series-metric', onchange: function () { panel.metric = sel.value; self.drawPanel(i, box); self.update(); } });
      self.seriesMetrics.forEach(function (m) { sel.appendChild(el('option', { value: m, text: label(m) + (label(m) === m ? '' : ' (' + m + ')') })); });
      sel.value = panel.metric;
      var wrap = el('figure', { className: 'panel' }, [el('div', { className: 'controls' }, [sel, el('button', { type: 'button', text: 'Remove', onclick: function () { self.panels.splice(i, 1); self.drawPanels(); self.update(); } })]), box]);
      self.panelBox.appendChild(wrap);
      self.panelFigs[i] = wrap;
      self.observe(wrap);
      self.drawPanel(i, box);
    });
  };
  Explorer.prototype.drawPanel = function (i, box) {
    var self = this, m = this.panels[i].metric, charts = [];
    clear(box);
    var title = label(m);
    var w = this.width;
    if (this.compare) {
      var b1 = el('div'), b2 = el('div');
      box.appendChild(b1); box.appendChild(b2);
      charts.push({ kind: 'ab', view: mountFan(this.id + 'panel-' + i + '-ab', b1, { width: w, title: title, subtitle: 'A (blue) and B (orange): median, 25–75% and 5–95% of the selected runs', yTitle: m, bands: [{ name: 'bandsA', color: COLORS.a, outer: COLORS.aOuter, inner: COLORS.aOuter, label: 'A' }, { name: 'bandsB', color: COLORS.b, outer: COLORS.bOuter, inner: COLORS.bOuter, label: 'B' }] }) });
      if (this.paired) charts.push({ kind: 'diff', view: mountFan(this.id + 'panel-' + i + '-diff', b2, { width: w, title: title + ': B − A', subtitle: 'paired by run index (same seed): quantiles of the per-run differences', yTitle: 'B − A', bands: [{ name: 'bands', color: COLORS.median, outer: COLORS.outer, inner: COLORS.inner, label: 'B − A' }], paths: false }) });
      else b2.appendChild(el('p', { className: 'muted', text: 'A and B have different seeds: runs are not paired, so there are no per-run differences.' }));
    } else {
      charts.push({ kind: 'fan', view: mountFan(this.id + 'panel-' + i, box, { width: w, title: title, subtitle: 'selected runs: median, 25–75%, 5–95%; dashed: median of all runs; grey: individual runs', yTitle: m, ref: true, paths: true, bands: [{ name: 'bands', color: COLORS.median, outer: COLORS.outer, inner: COLORS.inner, label: 'selected' }] }) });
      var view = charts[0].view;
      // Nearest drawn path within a few pixels of the pointer (1-px lines are too thin to hit).
      view.addEventListener('pointermove', function (event) {
        var run = nearestPath(view, self.pathData && self.pathData[m], event, 8);
        if (run !== null) self.setHover(run);
      });
    }
    this.panelViews[i] = charts;
  };

  // The run whose drawn path passes closest to the pointer (vertical pixel distance, linearly
  // interpolated between shown steps), or null if none is within maxPx.
  function nearestPath(view, data, event, maxPx) {
    if (!data || !data.runs.length) return null;
    var canvas = view.container().querySelector('canvas');
    if (!canvas) return null;
    var box = canvas.getBoundingClientRect(), o = view.origin();
    var px = event.clientX - box.left - o[0], py = event.clientY - box.top - o[1];
    var xs = view.scale('x'), ys = view.scale('y'), d = data.dates, P = d.length;
    if (P < 1 || px < xs(d[0]) - maxPx || px > xs(d[P - 1]) + maxPx) return null;
    var p = 0;
    while (p < P - 2 && xs(d[p + 1]) < px) p++;
    var x0 = xs(d[p]), x1 = P > 1 ? xs(d[p + 1]) : x0, f = x1 > x0 ? Math.max(0, Math.min(1, (px - x0) / (x1 - x0))) : 0;
    var best = null, bestD = maxPx;
    data.runs.forEach(function (r, i) {
      var v = data.values[i], a = v[p], b = P > 1 ? v[p + 1] : a;
      if (!(isFinite(a) && isFinite(b))) return;
      var dist = Math.abs(ys(a + f * (b - a)) - py);
      if (dist <= bestD) { bestD = dist; best = r; }
    });
    return best;
  }

  Explorer.prototype.setHover = function (run) {
    if (run === this.hoverRun) return;
    this.hoverRun = run;
    var all = [];
    (this.panelViews || []).forEach(function (charts) { (charts || []).forEach(function (c) { all.push(c.view.signal('hoverRun', run).runAsync()); }); });
    this.showRun(run);
    return Promise.all(all);
  };

  Explorer.prototype.showRun = function (run) {
    var A = this.sets[0], k = A._pos[run];
    clear(this.runBox);
    if (k === undefined) return;
    var n = A.batchRuns;
    var cmd = 'hashsim run SCENARIO --seed ' + shellQuote(A.seed) + ' --runs ' + n + ' --shard ' + run + '/' + n + ' --out results/' + shellQuote(A.scenario.replace(/[^A-Za-z0-9_.-]+/g, '_')) + '-run-' + run;
    this.runBox.setAttribute('data-run', String(run));
    var t = el('table');
    A.summaries.slice(0, 12).forEach(function (s) { t.appendChild(el('tr', null, [el('td', null, [el('code', { text: s.metric })]), el('td', { className: 'num', text: fmt(s.values[k]) })])); });
    this.runBox.appendChild(el('p', null, [el('b', { text: 'Run ' + run }), ' of ' + n + ' · master seed ', el('code', { text: String(A.seed) }), ' · scenario ', el('span', { text: A.scenario })]));
    this.runBox.appendChild(el('p', null, ['Re-run exactly this run (shard i of n with n = runs holds run i alone; SCENARIO is the scenario file, resolved sha256 ', el('code', { text: A.scenarioSha256.slice(0, 12) + '…' }), '):']));
    this.runBox.appendChild(el('pre', { 'data-role': 'rerun', text: cmd }));
    this.runBox.appendChild(el('details', null, [el('summary', { text: 'summary metrics of this run' }), t]));
  };

  // Recomputes everything that depends on the selection and redraws it.
  Explorer.prototype.update = function () {
    var self = this, t0 = performance.now(), A = this.sets[0], B = this.sets[1];
    var mask = this.selectedMask();
    var runs = this.universe.filter(function (r, i) { return mask[i]; });
    var f = this.filter, desc = [];
    var opt = this.filterOptions.filter(function (x) { return x.key === f.metric; })[0];
    if (f.range && opt) desc.push(opt.metric + ' in [' + fmt(f.range[0]) + ', ' + fmt(f.range[1]) + ']');
    if (f.outcome) desc.push(f.outcome.text);
    this.status.setAttribute('data-selected', String(runs.length));
    this.status.textContent = runs.length + ' of ' + this.universe.length + ' runs selected' + (desc.length ? ': ' + desc.join(' and ') : ' (all)');
    var work = [];
    if (this.histView) work.push(setData(this.histView, { bins: binRows(this.filterValues(), mask) }));
    // One tuple with the run list (not one per run): the charts' data stays small to replace.
    var runRows = [{ n: runs.length, runs: runs }];
    var pathRuns = [];
    if (!this.compare && this.pathCount > 0) {
      var inSel = {}; runs.forEach(function (r) { inSel[r] = true; });
      for (var j = 0; j < A._pathOrder.length && pathRuns.length < this.pathCount; j++) if (inSel[A._pathOrder[j]]) pathRuns.push(A._pathOrder[j]);
    }
    this.pathRuns = pathRuns;
    var ctx = this.current = { runs: runs, mask: mask, runRows: runRows, pathRuns: pathRuns, n: app.updates + 1 };
    // Charts out of view are only marked stale: drawn when scrolled to (see observe).
    this.panels.forEach(function (panel, i) {
      var fig = self.panelFigs[i], charts = self.panelViews[i] || [];
      if (fig && fig._visible === false && charts.every(function (c) { return c.drawn; })) { fig._stale = true; return; }
      work.push(self.drawPanelData(i, ctx));
    });
    app.updates++;
    app.busy++;
    var n = app.updates;
    // Charts first; the tables below them follow once the charts are drawn.
    return Promise.all(work).then(function () {
      app.busy--;
      if (n !== app.updates) return; // a newer selection is on its way: its tables win
      var t1 = performance.now();
      self.drawTables(ctx);
      var t2 = performance.now();
      app.lastUpdateMs = t2 - t0;
      app.profile = { charts: t1 - t0, tables: t2 - t1 };
      self.root.setAttribute('data-updated', String(n));
    }, function (e) { app.busy--; console.error(e); });
  };
  // The two tables (named miners, summary metrics) are drawn for a selection when on screen (or
  // never drawn yet); out of view they are marked stale and drawn when scrolled to, like the charts.
  Explorer.prototype.drawTables = function (ctx) {
    var self = this;
    [[this.minerBox, function () { self.drawMiners(ctx.mask); }], [this.summaryBox, function () { self.drawSummary(ctx.runs); }]].forEach(function (t) {
      var box = t[0];
      if (box._visible === false && box._drawn) { box._stale = true; return; }
      t[1]();
      box._drawn = true;
      box._stale = false;
      box.setAttribute('data-updated', String(ctx.n));
    });
  };
  Explorer.prototype.observeTables = function () {
    var self = this;
    if (typeof IntersectionObserver === 'undefined') return;
    var obs = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) { e.target._visible = e.isIntersecting; });
      var ctx = self.current;
      if (!ctx) return;
      if (self.minerBox._stale && self.minerBox._visible) { self.drawMiners(ctx.mask); self.minerBox._stale = false; self.minerBox.setAttribute('data-updated', String(ctx.n)); }
      if (self.summaryBox._stale && self.summaryBox._visible) { self.drawSummary(ctx.runs); self.summaryBox._stale = false; self.summaryBox.setAttribute('data-updated', String(ctx.n)); }
    });
    obs.observe(this.minerBox);
    obs.observe(this.summaryBox);
  };
  // Puts the selection ctx (from update) into the charts of panel i; resolves when they are drawn.
  Explorer.prototype.drawPanelData = function (i, ctx) {
    var self = this, A = this.sets[0], B = this.sets[1], m = this.panels[i].metric, fig = this.panelFigs[i], work = [];
    var runs = ctx.runs, runRows = ctx.runRows, pathRuns = ctx.pathRuns;
    if (fig) fig._stale = false;
    (this.panelViews[i] || []).forEach(function (c) {
      c.drawn = true;
      if (c.kind === 'fan') {
        self.pathData = self.pathData || {};
        self.pathData[m] = { runs: pathRuns, dates: A.days.map(function (d) { return dateMs(A, d); }), values: pathRuns.map(function (r) { return seriesOf(A, m, r); }) };
        var d = { bands: bands(A, m, runs), runs: runRows };
        // The drawn sample often stays the same while a brush moves: then its rows stay too.
        var key = m + ':' + pathRuns.join(',');
        if (c.pathKey !== key) { var pr = pathRows(A, m, pathRuns); d.paths = pr.rows; d.pathExtent = pr.extent; c.pathKey = key; }
        // The all-runs median does not depend on the selection: set once per chart.
        if (!c.refSet) { d.ref = self.refCache(m); c.refSet = true; }
        work.push(setData(c.view, d));
      }
      else if (c.kind === 'ab') work.push(setData(c.view, { bandsA: bands(A, m, runs), bandsB: bands(B, m, runs), runs: runRows }));
      else if (c.kind === 'diff') {
        work.push(setData(c.view, { bands: diffBands(A, B, m, self.universe, runs), runs: runRows }));
      }
    });
    return Promise.all(work).then(function () { if (fig) fig.setAttribute('data-updated', String(ctx.n)); });
  };
  // Watches a panel's visibility: one out of the viewport is not redrawn on a selection, only
  // marked stale, and redrawn with the current selection as soon as it scrolls into view (a
  // brush then costs the charts on screen, however many charts the page has).
  Explorer.prototype.observe = function (fig) {
    var self = this;
    if (typeof IntersectionObserver === 'undefined') return;
    if (!this.observer) {
      this.observer = new IntersectionObserver(function (entries) {
        entries.forEach(function (e) { e.target._visible = e.isIntersecting; });
        self.redrawStale();
      });
    }
    this.observer.observe(fig);
  };
  Explorer.prototype.redrawStale = function () {
    var self = this;
    (this.panelFigs || []).forEach(function (fig, i) {
      if (!fig._stale || fig._visible === false || !self.current) return;
      app.busy++;
      self.drawPanelData(i, self.current).then(function () { app.busy--; }, function (e) { app.busy--; console.error(e); });
    });
  };
  Explorer.prototype.refCache = function (m) {
    this._ref = this._ref || {};
    if (!this._ref[m]) this._ref[m] = bands(this.sets[0], m, this.universe);
    return this._ref[m];
  };

  // Outcome categories of a named miner, each a test on (miner outcomes, run position).
  var OUTCOMES = [
    { key: 'status:active', text: 'active at the end', test: function (m, k) { return m.status[k] === 'active'; } },
    { key: 'status:curtailing', text: 'curtailing at the end', test: function (m, k) { return m.status[k] === 'curtailing'; } },
    { key: 'status:pivoting', text: 'pivoting to AI at the end', test: function (m, k) { return m.status[k] === 'pivoting'; } },
    { key: 'status:exited', text: 'exited', test: function (m, k) { return m.status[k] === 'exited'; } },
    { key: 'margin', text: 'margin called', test: function (m, k) { return (m.values.margin_calls || [])[k] > 0; } },
    { key: 'liquidated', text: 'liquidated', test: function (m, k) { return (m.values.liquidations || [])[k] > 0; } },
    { key: 'pivoted', text: 'started an AI pivot', test: function (m, k) { return (m.values.mw_pivoted || [])[k] > 0; } },
  ];
  // The tables are built once per explorer; a selection only rewrites the cells that depend on it
  // (no new elements, so a brush costs little layout and garbage).
  function setText(cell, text) { if (cell.textContent !== text) cell.textContent = text; }
  Explorer.prototype.drawMiners = function (mask) {
    var self = this;
    if (!this.minerRows) this.buildMiners();
    var oc = this.filter.outcome;
    this.minerRows.forEach(function (row) {
      var sel = 0, tsum = 0, tn = 0, treasury = row.treasury;
      row.members.forEach(function (i) {
        if (!mask[i]) return;
        sel++;
        var k = self.pos[i];
        if (treasury[k] !== null && treasury[k] !== undefined) { tsum += treasury[k]; tn++; }
      });
      setText(row.sel, String(sel));
      setText(row.mean, tn ? fmt(tsum / tn) : '—');
      var active = !!(oc && oc.miner === row.mi && oc.key === row.o.key);
      row.tr.className = active ? 'active' : '';
      setText(row.button, active ? 'selected' : 'select');
    });
  };
  Explorer.prototype.buildMiners = function () {
    var self = this, A = this.sets[0];
    this.minerRows = [];
    clear(this.minerBox);
    if (!A.miners.length) { this.minerBox.appendChild(el('p', { className: 'muted', text: 'This scenario has no named miners.' })); return; }
    this.minerBox.appendChild(el('p', { className: 'muted', text: (this.compare ? 'Set A. ' : '') + 'Runs of each outcome, among all runs and among the selected ones; "select" keeps only the runs with that outcome (with the histogram range, if any).' + (A.minerSeriesFile ? ' Per-step series of each miner (' + A.minerSeriesFile + ') are in the chart pickers as "miner · column".' : ' Per-step miner series are not in this result set (miners.parquet holds final values): only outcomes are shown.') }));
    var pos = this.pos = this.universe.map(function (r) { return A._pos[r]; });
    var t = el('table', { className: 'outcomes' }, [el('thead', null, [el('tr', null, [el('th', { text: 'miner' }), el('th', { text: 'outcome' }), el('th', { className: 'num', text: 'all runs' }), el('th', { className: 'num', text: 'selected runs' }), el('th', { className: 'num', text: 'mean final treasury (BTC), selected' }), el('th', { text: '' })])])]);
    var body = el('tbody');
    A.miners.forEach(function (m, mi) {
      var treasury = m.values.final_treasury_btc || [];
      OUTCOMES.forEach(function (o) {
        // Positions (in the universe) of the runs with this outcome: fixed for the explorer.
        var members = [];
        pos.forEach(function (k, i) { if (o.test(m, k)) members.push(i); });
        if (!members.length) return;
        var row = { o: o, mi: mi, treasury: treasury, members: members, sel: el('td', { className: 'num' }), mean: el('td', { className: 'num' }) };
        row.button = el('button', { type: 'button', text: 'select', 'data-outcome': o.key, 'data-miner': String(mi), onclick: function () {
          self.filter.outcome = { miner: mi, key: o.key, test: o.test, text: m.name + ' ' + o.text };
          self.update();
        } });
        row.tr = el('tr', null, [el('td', { text: m.name }), el('td', { text: o.text }), el('td', { className: 'num', text: String(members.length) }), row.sel, row.mean, el('td', null, [row.button])]);
        body.appendChild(row.tr);
        self.minerRows.push(row);
      });
    });
    t.appendChild(body);
    this.minerBox.appendChild(t);
  };
  Explorer.prototype.drawSummary = function (runs) {
    var self = this, A = this.sets[0], B = this.sets[1];
    if (!this.summaryRows) {
      clear(this.summaryBox);
      var head = ['metric', 'n', 'mean', 'p5', 'p50', 'p95'];
      if (this.compare) head = ['metric', 'n', 'mean A', 'mean B', 'p50 A', 'p50 B'];
      var t = el('table', null, [el('thead', null, [el('tr', null, head.map(function (h, i) { return el('th', { className: i ? 'num' : '', text: h }); }))])]);
      var body = el('tbody');
      this.summaryRows = A.summaries.map(function (s) {
        var cells = [0, 1, 2, 3, 4].map(function () { return el('td', { className: 'num' }); });
        body.appendChild(el('tr', null, [el('td', null, [el('code', { text: s.metric })])].concat(cells)));
        return { s: s, cells: cells };
      });
      t.appendChild(body);
      this.summaryBox.appendChild(t);
    }
    var va = new Float64Array(runs.length), vb = new Float64Array(runs.length);
    this.summaryRows.forEach(function (row) {
      var s = row.s, texts;
      for (var i = 0; i < runs.length; i++) { var x = s.values[A._pos[runs[i]]]; va[i] = x === null || x === undefined ? NaN : x; }
      var sa = stats(va);
      if (self.compare) {
        var bv = B._summary[s.metric];
        for (var j = 0; j < runs.length; j++) { var y = bv ? bv[B._pos[runs[j]]] : null; vb[j] = y === null || y === undefined ? NaN : y; }
        var sb = stats(bv ? vb : []);
        texts = [String(sa.n), fmt(sa.mean), fmt(sb.mean), fmt(sa.p50), fmt(sb.p50)];
      } else texts = [String(sa.n), fmt(sa.mean), fmt(sa.p5), fmt(sa.p50), fmt(sa.p95)];
      texts.forEach(function (x, i) { setText(row.cells[i], x); });
    });
  };

  // ---------- sweep: heatmap of points, the chosen point's runs below ----------
  function Sweep(root, payload) {
    var self = this;
    this.payload = payload;
    this.root = root;
    var pts = payload.points;
    var params = payload.parameters.slice(0, 2);
    var metrics = [];
    pts.forEach(function (p) { p.set.summaries.forEach(function (s) { if (metrics.indexOf(s.metric) < 0) metrics.push(s.metric); }); });
    this.metric = DEFAULT_SUMMARY.filter(function (m) { return metrics.indexOf(m) >= 0; })[0] || metrics[0];
    var sel = el('select', { 'data-role': 'sweep-metric', 'aria-label': 'summary metric of the heatmap', onchange: function () { self.metric = sel.value; self.drawMap(); } });
    metrics.forEach(function (m) { sel.appendChild(el('option', { value: m, text: label(m) + ' (' + m + ')' })); });
    sel.value = this.metric;
    this.mapBox = el('div', { className: 'chart', 'data-role': 'sweep-map' });
    this.pointInfo = el('p', { 'data-role': 'sweep-point', className: 'status', text: 'Click a point of the sweep to explore its runs.' });
    this.pointBox = el('div', { className: 'point' });
    this.params = params;
    root.appendChild(el('section', null, [el('h2', { text: 'Sweep points' }), el('div', { className: 'controls' }, [el('label', null, ['Colour: mean of ', sel])]), this.mapBox, this.pointInfo]));
    root.appendChild(this.pointBox);
    this.drawMap();
  }
  Sweep.prototype.rows = function () {
    var self = this;
    return this.payload.points.map(function (p) {
      prepare(p.set);
      var s = stats(p.set._summary[self.metric] || []);
      var row = { point: p.point, mean: s.mean, n: s.n, label: self.params.map(function (k) { return k + ' = ' + JSON.stringify(p.values[k]); }).join(', ') };
      self.params.forEach(function (k, i) { row['p' + i] = typeof p.values[k] === 'number' ? p.values[k] : JSON.stringify(p.values[k]); });
      return row;
    });
  };
  Sweep.prototype.drawMap = function () {
    var self = this, rows = this.rows(), params = this.params;
    var distinct = function (i) { var s = {}; rows.forEach(function (r) { s[r['p' + i]] = 1; }); return Object.keys(s).length; };
    var grid = params.every(function (p, i) { return distinct(i) <= 12; });
    var x = params.length ? { field: 'p0', type: grid ? 'ordinal' : 'quantitative', title: params[0], scale: grid ? undefined : { zero: false } } : { field: 'point', type: 'ordinal', title: 'point' };
    var y = params.length > 1 ? { field: 'p1', type: grid ? 'ordinal' : 'quantitative', title: params[1], sort: grid ? 'descending' : undefined, scale: grid ? undefined : { zero: false } } : undefined;
    var enc = { x: x, color: { field: 'mean', type: 'quantitative', title: 'mean ' + this.metric, scale: { scheme: 'viridis' } },
      tooltip: [{ field: 'point', title: 'point' }, { field: 'label', title: 'parameters' }, { field: 'mean', title: 'mean', format: '.4~g' }, { field: 'n', title: 'runs with a value' }],
      stroke: { condition: { param: 'pick', empty: false, value: '#c0504d' }, value: null }, strokeWidth: { value: 3 } };
    if (y) enc.y = y;
    var spec = { width: 520, height: y ? 300 : 60, title: { text: 'mean ' + label(this.metric) + ' per point', subtitle: 'click a point to explore its runs' }, data: { name: 'points' },
      params: [{ name: 'pick', select: { type: 'point', fields: ['point'], on: 'click' } }], mark: grid ? { type: 'rect' } : { type: 'circle', size: 180, opacity: 1 }, encoding: enc };
    var view = mount('sweep-map', this.mapBox, spec, { points: rows });
    view.addSignalListener('pick', function (name, value) {
      var p = value && value.point !== undefined ? [].concat(value.point)[0] : (value && value.vlPoint && value.vlPoint.or && value.vlPoint.or[0] ? value.vlPoint.or[0].point : undefined);
      if (p !== undefined) self.choose(p);
    });
    view.runAsync();
  };
  Sweep.prototype.choose = function (pointNo) {
    var p = this.payload.points.filter(function (x) { return x.point === pointNo; })[0];
    if (!p) return;
    this.chosen = pointNo;
    this.pointInfo.setAttribute('data-point', String(pointNo));
    this.pointInfo.textContent = 'Point ' + pointNo + ' (' + p.dir + '): ' + Object.keys(p.values).map(function (k) { return k + ' = ' + JSON.stringify(p.values[k]); }).join(', ') + ' · ' + p.set.runs.length + ' ok runs';
    Object.keys(app.views).forEach(function (id) { if (id.indexOf('point-') === 0) { app.views[id].finalize(); delete app.views[id]; } });
    app.explorer = new Explorer(this.pointBox, [p.set], 'point-', false);
  };

  // ---------- start ----------
  function start(payload) {
    app.payload = payload;
    var root = document.getElementById('explorer');
    try {
      if (payload.kind === 'sweep') app.sweep = new Sweep(root, payload);
      else app.explorer = new Explorer(root, payload.sets, '', payload.kind === 'compare' ? payload.paired : false);
      Promise.all(Object.keys(app.views).map(function (k) { return app.views[k].runAsync(); })).then(function () {
        app.ready = true;
        document.body.setAttribute('data-explorer-ready', 'true');
      }, function (e) { console.error(e); });
    } catch (e) {
      root.textContent = 'The explorer could not start: ' + e;
      console.error(e);
    }
  }
  var inline = document.getElementById('explore-data');
  if (inline) start(JSON.parse(inline.textContent));
  else fetch('explore-data.json').then(function (r) { return r.json(); }).then(start, function (e) { console.error(e); });
})();

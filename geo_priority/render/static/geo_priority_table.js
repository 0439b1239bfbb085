/* geo-priority offline map: the ranked table and its filters.
 *
 * The table is virtual: a fixed-height scroll box holds only the rows in
 * view and a few more (OVERSCAN); two spacers stand for the rest, so a map of
 * 83,402 desa keeps about 40 rows in the page. Rows come from the level's
 * area properties the page already embeds (gpData.views[i].props).
 * The filter box narrows the rows by the search (geo_priority_search.js), one
 * province and one kab/kota: an area's keys are the first 2 and 4 digits of
 * its code (the same in the Kemendagri and BPS systems), named in
 * views[i].filters (render/_table_filters.py).
 * Every text from the data is inserted with textContent, never innerHTML. */
(function () {
  "use strict";

  var S = window.GeoPrioritySearch;
  var el = S.el, grouped = S.grouped, nameWithPlace = S.nameWithPlace;
  var levelIndex = S.levelIndex, onePlace = S.onePlace, matcher = S.matcher;

  /* Rows drawn above and below those in view, so a quick scroll shows rows. */
  var OVERSCAN = 8;

  /* The table's first order. */
  var RANK_ORDER = { column: "rank", ascending: true };

  /* ---- the table -------------------------------------------------------- */

  function GeoPriorityTable(gp) {
    this.gp = gp;
    this.t = gp.t;
    this.lang = gp.data.lang;
    this.sort = RANK_ORDER;
    this.query = "";
    this.prov = "";
    this.kab = "";
    this.shown = [];
    this.cursor = -1;
    this.rowH = 0;
    this.start = -1;
    this.end = -1;
  }

  GeoPriorityTable.prototype.hasRange = function () {
    return this.gp.data.views.some(function (v) { return v.robust_n > 0; });
  };

  GeoPriorityTable.prototype.build = function () {
    var self = this, gp = this.gp, panel = document.getElementById("gp-panel");
    if (!panel) { return; }
    var head = el("div", "gp-panel-head");
    head.appendChild(el("span", "gp-box-title", this.t.table_title));
    /* One button in the table's head hides the table; one in the footer,
       shown only while the table is hidden, brings it back. */
    var toggle = el("button", "gp-button", this.t.hide);
    toggle.type = "button";
    var reopen = el("button", "gp-button", this.t.show_table);
    reopen.type = "button";
    function flip() {
      var hidden = document.body.classList.toggle("gp-panel-hidden");
      toggle.setAttribute("aria-expanded", String(!hidden));
      reopen.setAttribute("aria-expanded", String(!hidden));
      gp.map.invalidateSize();
      if (!hidden) { self.render(true); }
    }
    toggle.addEventListener("click", flip);
    reopen.addEventListener("click", flip);
    head.appendChild(toggle);
    var footer = document.getElementById("gp-panel-toggle");
    if (footer) { footer.appendChild(reopen); }
    panel.appendChild(head);
    /* names with their place ("Kec. Sumur, Kab. Pandeglang") get a wider panel */
    if (!gp.data.views.every(onePlace)) {
      document.body.classList.add("gp-places");
      gp.map.invalidateSize();
    }
    panel.appendChild(this.tools());
    panel.appendChild(this.scroller());
    window.addEventListener("resize", function () { self.render(true); });
    this.setView();
  };

  /* The filter box over the table: search, province, kab/kota, "n dari N". */
  GeoPriorityTable.prototype.tools = function () {
    var self = this, box = el("div", "gp-table-tools");
    var input = el("input", "gp-table-search");
    input.type = "search";
    input.placeholder = this.t.table_filter;
    input.setAttribute("aria-label", this.t.table_filter);
    input.addEventListener("input", function () {
      self.query = input.value;
      self.refill();
    });
    /* Arrow down (or Enter) goes into the rows; Enter on a single hit shows it. */
    input.addEventListener("keydown", function (e) {
      if (e.key !== "ArrowDown" && e.key !== "Enter") { return; }
      e.preventDefault();
      if (e.key === "Enter" && self.shown.length === 1) {
        self.cursor = 0;
        self.gp.select(self.shown[0].p.id, true);
        return;
      }
      self.wrap.focus();
      self.wrap.classList.add("gp-keys");
      self.moveCursor(0, true);
    });
    this.filterInput = input;
    box.appendChild(input);
    var selects = el("div", "gp-table-selects");
    this.provSelect = this.filterSelect("gp-filter-prov", this.t.province, function (value) {
      self.prov = value;
      self.fillKab();
      self.refill();
    });
    this.kabSelect = this.filterSelect("gp-filter-kab", this.t.kabkota, function (value) {
      self.kab = value;
      self.refill();
    });
    selects.appendChild(this.provSelect);
    selects.appendChild(this.kabSelect);
    box.appendChild(selects);
    this.count = el("div", "gp-table-count");
    this.count.setAttribute("aria-live", "polite");
    box.appendChild(this.count);
    return box;
  };

  GeoPriorityTable.prototype.filterSelect = function (id, label, changed) {
    var select = el("select", "gp-table-filter");
    select.id = id;
    select.setAttribute("aria-label", label);
    select.title = label;
    select.addEventListener("change", function () { changed(select.value); });
    return select;
  };

  /* The scroll box: a spacer for the rows above, the table, one for below. */
  GeoPriorityTable.prototype.scroller = function () {
    var self = this, t = this.t;
    var wrap = el("div", "gp-table-wrap");
    wrap.tabIndex = 0;
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-label", t.table_title + ". " + t.table_keys);
    this.padTop = el("div", "gp-table-pad");
    this.padBottom = el("div", "gp-table-pad");
    var table = el("table", "gp-table");
    this.tableNode = table;
    var tr = el("tr");
    var cols = [["rank", t.rank_short], ["name", t.name], ["score", t.score_short],
                ["cls", t.class_short]];
    /* with rank robustness: the 90 % rank interval as a bar beside the rank */
    if (this.hasRange()) {
      cols.splice(1, 0, ["range", t.range_short]);
      document.body.classList.add("gp-has-range");
      this.gp.map.invalidateSize();
    }
    this.heads = {};
    cols.forEach(function (c) {
      var th = el("th", null, c[1]);
      th.dataset.column = c[0];
      th.title = c[0] === "range" ? t.range_help + ". " + t.sort : t.sort;
      th.addEventListener("click", function () { self.sortBy(c[0]); });
      self.heads[c[0]] = th;
      tr.appendChild(th);
    });
    var thead = el("thead");
    thead.appendChild(tr);
    this.thead = thead;
    table.appendChild(thead);
    this.tableBody = el("tbody");
    table.appendChild(this.tableBody);
    this.empty = el("div", "gp-muted gp-table-empty", t.not_found);
    this.empty.hidden = true;
    wrap.appendChild(this.padTop);
    wrap.appendChild(table);
    wrap.appendChild(this.empty);
    wrap.appendChild(this.padBottom);
    wrap.addEventListener("scroll", function () { self.scheduleRender(); });
    wrap.addEventListener("keydown", function (e) {
      wrap.classList.add("gp-keys");
      self.onKey(e);
    });
    wrap.addEventListener("mousedown", function () { wrap.classList.remove("gp-keys"); });
    wrap.addEventListener("focus", function () {
      if (self.cursor < 0 && self.shown.length) { self.moveCursor(self.firstInView(), true); }
    });
    this.wrap = wrap;
    return wrap;
  };

  /* A new level: its filters (a choice still valid is kept) and its rows. */
  GeoPriorityTable.prototype.setView = function () {
    if (!this.wrap) { return; }
    var self = this, v = this.gp.v, f = v.filters || {};
    if (this.gp.data.lod && !this.isReady(v)) {
      /* a level switched to by zoom: no rows until it is ready (not those
         of the level left), then its rows, unless the zoom left it again */
      this.shown = [];
      this.count.textContent = "\u2026";
      this.render(true);
      this.prepare(v, function () { if (self.gp.v === v) { self.setView(); } });
      return;
    }
    levelIndex(v);
    var provs = f.prov || [], kabs = f.kab || [];
    this.provSelect.hidden = provs.length < 2;
    if (!provs.some(function (p) { return p[0] === this.prov; }, this)) { this.prov = ""; }
    this.fillSelect(this.provSelect, provs, this.t.all_provinces, this.prov);
    this.fillKab();
    /* a rank of 83402 needs five digits' room */
    var digits = String(v.props.length).length;
    this.heads.rank.style.width = Math.max(34, 10 + 8 * digits) + "px";
    this.tableNode.classList.toggle("gp-rows-tall", v.props.some(function (p) {
      return p.rb && p.rb.o;
    }));
    this.tableNode.classList.toggle("gp-rows-2", this.placesWrap(v));
    this.rowH = 0;
    this.refill();
  };

  /* Whether some place of the level is wider than the name column: then
     every row has room for its place on two lines (rows keep one height). */
  GeoPriorityTable.prototype.placesWrap = function (v) {
    if (onePlace(v)) { return false; }
    var probe = el("tr"), cell = el("td", "gp-named"), span = el("span", "gp-place", "x");
    cell.appendChild(span);
    probe.appendChild(cell);
    this.tableBody.appendChild(probe);
    var room = this.heads.name.clientWidth - parseFloat(getComputedStyle(cell).paddingLeft) -
               parseFloat(getComputedStyle(cell).paddingRight);
    probe.remove();
    return this.placeWidth(v, Infinity) > room;
  };

  /* The widest place of level v as the rows draw it (its font taken from
     a probe row), measured once per level: until performance.now() passes
     ``until``, then undefined until a later call finishes it. */
  GeoPriorityTable.prototype.placeWidth = function (v, until) {
    if (v.gpPlaceWidth !== undefined) { return v.gpPlaceWidth; }
    var scan = v.gpPlaceScan;
    if (!scan) {
      var probe = el("tr"), cell = el("td", "gp-named"), span = el("span", "gp-place", "x");
      cell.appendChild(span);
      probe.appendChild(cell);
      this.tableBody.appendChild(probe);
      var pen = document.createElement("canvas").getContext("2d");
      pen.font = getComputedStyle(span).font;
      probe.remove();
      scan = v.gpPlaceScan = { at: 0, widest: 0, seen: {}, pen: pen };
    }
    var props = v.props;
    while (scan.at < props.length) {
      var place = props[scan.at++].place;
      if (place && !scan.seen[place]) {
        scan.seen[place] = true;
        scan.widest = Math.max(scan.widest, scan.pen.measureText(place).width);
      }
      if ((scan.at & 255) === 0 && performance.now() > until) { return undefined; }
    }
    v.gpPlaceScan = null;
    v.gpPlaceWidth = scan.widest;
    return scan.widest;
  };

  GeoPriorityTable.prototype.fillSelect = function (select, options, all, value) {
    select.textContent = "";
    var first = el("option", null, all);
    first.value = "";
    select.appendChild(first);
    options.forEach(function (o) {
      var option = el("option", null, o[1]);
      option.value = o[0];
      select.appendChild(option);
    });
    select.value = value;
  };

  /* The kab/kota of the chosen province only. */
  GeoPriorityTable.prototype.fillKab = function () {
    var prov = this.prov;
    var kabs = ((this.gp.v.filters || {}).kab || []).filter(function (k) {
      return !prov || k[0].slice(0, 2) === prov;
    });
    if (!kabs.some(function (k) { return k[0] === this.kab; }, this)) { this.kab = ""; }
    this.kabSelect.hidden = kabs.length < 2 && !this.kab;
    this.fillSelect(this.kabSelect, kabs, this.t.all_kabkota, this.kab);
  };

  GeoPriorityTable.prototype.sortKey = function (column) {
    if (column === "name") { return function (e) { return e.name; }; }
    if (column === "score") { return function (e) { return e.p.s === null ? -1 : -e.p.s; }; }
    if (column === "cls") {
      return function (e) { return e.p.c[0] === 0 ? 99 : e.p.c[0]; };
    }
    if (column === "range") {
      return function (e) {
        var rb = e.p.rb;
        return rb && rb.lo !== undefined ? (rb.hi - rb.lo) * 1e6 + rb.m : 1e12;
      };
    }
    return function (e) { return e.p.r === null ? 1e9 : e.p.r; };
  };

  /* All areas of the level in the table's order (kept per column). */
  GeoPriorityTable.prototype.ordered = function () {
    return this.orderOf(this.gp.v, this.sort);
  };

  GeoPriorityTable.prototype.orderOf = function (v, s) {
    var index = levelIndex(v);
    var name = s.column + (s.ascending ? "+" : "-");
    if (!index.sorted[name]) {
      var order = s.column === "rank" && s.ascending ? byRank(index.entries) : null;
      if (!order) {
        var key = this.sortKey(s.column);
        var keys = index.entries.map(key);
        order = index.entries.slice().sort(function (a, b) {
          var ka = keys[a.i], kb = keys[b.i];
          var d = ka < kb ? -1 : (ka > kb ? 1 : 0);
          return (s.ascending ? d : -d) || a.i - b.i;
        });
      }
      index.sorted[name] = order;
    }
    return index.sorted[name];
  };

  /* The entries by rank, unranked last, ties in the level's order: the
     order of sorting by the rank key, by counting (83,402 desa in a few
     ms, not a tenth of a second); null when ranks are not whole numbers
     from 1 to the number of areas. */
  function byRank(entries) {
    var n = entries.length, counts = new Int32Array(n + 2), i, r;
    for (i = 0; i < n; i++) {
      r = entries[i].p.r;
      if (r === null) {
        r = n + 1;
      } else if (!(r >= 1 && r <= n && r === Math.floor(r))) {
        return null;
      }
      counts[r] += 1;
    }
    for (i = 1, r = 0; i < n + 2; i++) {
      var c = counts[i];
      counts[i] = r;
      r += c;
    }
    var order = new Array(n);
    for (i = 0; i < n; i++) {
      r = entries[i].p.r;
      order[counts[r === null ? n + 1 : r]++] = entries[i];
    }
    return order;
  }

  /* Make every level's search index, rank order and widest place ahead of
     need, a few ms at a time when the page is idle, coarse levels first:
     a level switch by zoom then only fills the rows (for 83,402 desa the
     index alone takes most of a second, which would stall the map). */
  var WARM_SLICE = 8;

  function whenIdle(step) {
    if (window.requestIdleCallback) {
      window.requestIdleCallback(step, { timeout: 200 });
    } else {
      setTimeout(step, 16);
    }
  }

  /* What makes level v ready for the table: its index, its rank order and
     its widest place. Each job goes on until ``until`` and says whether it
     is done; a job already done returns true at once. */
  GeoPriorityTable.prototype.jobsFor = function (v) {
    var self = this;
    return [
      function (until) { return S.levelIndexStep(v, until); },
      function () { return Boolean(self.orderOf(v, RANK_ORDER)); },
      function (until) { return onePlace(v) || self.placeWidth(v, until) !== undefined; }
    ];
  };

  GeoPriorityTable.prototype.isReady = function (v) {
    return Boolean(v.gpIndex && v.gpIndex.sorted["rank+"]) &&
      (onePlace(v) || v.gpPlaceWidth !== undefined);
  };

  /* Run ``jobs`` for WARM_SLICE ms; true once all are done. */
  function runSlice(jobs) {
    var until = performance.now() + WARM_SLICE;
    while (jobs.length && performance.now() < until) {
      if (jobs[0](until)) { jobs.shift(); }
    }
    return !jobs.length;
  }

  /* ``more(v)``: the map's own jobs for level v, run after the table's. */
  GeoPriorityTable.prototype.warmUp = function (more) {
    var self = this, jobs = [];
    if (!this.wrap) { return; }
    var views = this.gp.data.views.slice().sort(function (a, b) {
      return (a.min_zoom === null ? -Infinity : a.min_zoom) -
             (b.min_zoom === null ? -Infinity : b.min_zoom);
    });
    views.forEach(function (v) {
      jobs = jobs.concat(self.jobsFor(v), more ? more(v) : []);
    });
    function slice() {
      if (!runSlice(jobs)) { whenIdle(slice); }
    }
    whenIdle(slice);
  };

  /* Level v made ready now, a slice per task (the map keeps drawing its
     frames in between), then ``done``. */
  GeoPriorityTable.prototype.prepare = function (v, done) {
    var jobs = this.jobsFor(v);
    function slice() {
      if (runSlice(jobs)) { done(); } else { setTimeout(slice, 0); }
    }
    setTimeout(slice, 0);
  };

  GeoPriorityTable.prototype.sortBy = function (column) {
    this.sort = { column: column,
                  ascending: this.sort.column === column ? !this.sort.ascending : true };
    this.refill();
  };

  /* The rows that pass the search and the filters, from the top. */
  GeoPriorityTable.prototype.refill = function () {
    var test = matcher(this.query), prov = this.prov, kab = this.kab;
    var named = ((this.gp.v.filters || {}).kab || []).filter(function (k) { return k[0] === kab; });
    this.kabLabel = kab && named.length ? named[0][1] : "";
    var all = this.ordered();
    this.shown = !test && !prov && !kab ? all : all.filter(function (e) {
      return (!prov || e.prov === prov) && (!kab || e.kab === kab) && (!test || test(e));
    });
    this.count.textContent = this.t.table_count
      .replace("{n}", grouped(this.shown.length, this.lang))
      .replace("{total}", grouped(all.length, this.lang));
    this.empty.hidden = this.shown.length > 0;
    this.cursor = -1;
    this.wrap.scrollTop = 0;
    this.render(true);
  };

  GeoPriorityTable.prototype.scheduleRender = function () {
    var self = this;
    if (this.pending) { return; }
    this.pending = true;
    window.requestAnimationFrame(function () {
      self.pending = false;
      self.render(false);
    });
  };

  /* Put the rows in view (and OVERSCAN more each side) into the table. */
  GeoPriorityTable.prototype.render = function (force) {
    var wrap = this.wrap, n = this.shown.length;
    if (!wrap || !wrap.isConnected) { return; }
    var h = this.rowH || 42;
    var first = Math.floor(wrap.scrollTop / h);
    var count = Math.ceil(Math.max(wrap.clientHeight, 200) / h) + 1;
    var start = Math.max(0, Math.min(first, n) - OVERSCAN);
    var end = Math.min(n, first + count + OVERSCAN);
    if (!force && start === this.start && end === this.end) { return; }
    this.start = start;
    this.end = end;
    this.padTop.style.height = (start * h) + "px";
    this.padBottom.style.height = ((n - end) * h) + "px";
    var body = this.tableBody;
    body.textContent = "";
    for (var i = start; i < end; i++) { body.appendChild(this.row(this.shown[i], i)); }
    if (!this.rowH && body.rows.length >= 2) {
      /* the rows' height as drawn (fixed by the CSS), then draw again with it */
      var measured = body.rows[1].getBoundingClientRect().top -
                     body.rows[0].getBoundingClientRect().top;
      if (measured > 0) {
        this.rowH = measured;
        this.render(true);
      }
    }
  };

  GeoPriorityTable.prototype.rangeCell = function (p) {
    var cell = el("td", "gp-range"), n = this.gp.v.robust_n, rb = p.rb;
    if (!n || !rb || rb.lo === undefined) { cell.textContent = "\u2013"; return cell; }
    cell.title = rb.line;
    var track = el("span", "gp-range-track");
    var bar = el("span", "gp-range-bar");
    bar.style.left = (100 * (rb.lo - 1) / n) + "%";
    bar.style.width = (100 * (rb.hi - rb.lo + 1) / n) + "%";
    track.appendChild(bar);
    var mid = el("span", "gp-range-median");
    mid.style.left = (100 * (rb.m - 0.5) / n) + "%";
    track.appendChild(mid);
    cell.appendChild(track);
    return cell;
  };

  /* With one kab/kota chosen its name is said by the filter, so a desa's
     place keeps only its kecamatan ("Kec. Sumur"), which then fits. */
  GeoPriorityTable.prototype.placeShown = function (p) {
    var kab = this.kabLabel, tail = ", " + kab;
    if (!kab || !p.place || p.place.slice(-tail.length) !== tail) { return p; }
    return { name: p.name, place: p.place.slice(0, -tail.length) };
  };

  GeoPriorityTable.prototype.row = function (e, i) {
    var self = this, gp = this.gp, p = e.p, tr = el("tr");
    tr.dataset.id = p.id;
    tr.dataset.index = String(i);
    tr.id = "gp-row-" + i;
    tr.setAttribute("aria-rowindex", String(i + 2));
    tr.appendChild(el("td", "gp-num", p.r === null ? "\u2013" : p.r));
    if (this.hasRange()) { tr.appendChild(this.rangeCell(p)); }
    var named = nameWithPlace("td", this.placeShown(p), "", gp.v.onePlace);
    named.title = p.place ? p.name + " \u2014 " + p.place : p.name;
    if (p.rb && p.rb.o) {
      var mark = el("span", "gp-official", "\u25c6 " + this.t.official_short);
      mark.title = this.t.official_mark;
      named.appendChild(mark);
    }
    tr.appendChild(named);
    var hidden = p.c[0] < 0;  /* score hidden: a scored input is a small cell */
    var score = el("td", hidden ? "gp-num gp-hidden" : "gp-num",
                   hidden ? gp.data.suppressed_short : p.f[0]);
    if (hidden) { score.title = gp.data.suppressed_label; }
    tr.appendChild(score);
    var cell = el("td", "gp-cls");
    var sw = el("span", "gp-swatch gp-swatch-small");
    sw.style.background = gp.colourOf({ properties: p }, 0);
    cell.appendChild(sw);
    cell.appendChild(el("span", null, p.c[0] > 0 ? p.c[0] : "\u2013"));
    tr.appendChild(cell);
    tr.classList.toggle("gp-selected", p.id === gp.selected);
    tr.classList.toggle("gp-cursor", i === this.cursor);
    tr.addEventListener("click", function () {
      self.cursor = i;
      gp.select(p.id, true);
    });
    return tr;
  };

  /* ---- keyboard --------------------------------------------------------- */

  GeoPriorityTable.prototype.firstInView = function () {
    var h = this.rowH || 42;
    return Math.min(this.shown.length - 1, Math.ceil(this.wrap.scrollTop / h));
  };

  GeoPriorityTable.prototype.pageRows = function () {
    var h = this.rowH || 42;
    return Math.max(1, Math.floor((this.wrap.clientHeight - this.thead.offsetHeight) / h) - 1);
  };

  /* Arrows move the row cursor, Page Up/Down a page, Home/End to the ends,
     Enter (or space) shows the area on the map as a click does. */
  GeoPriorityTable.prototype.onKey = function (e) {
    var n = this.shown.length, at = this.cursor < 0 ? this.firstInView() - 1 : this.cursor;
    var moves = { ArrowDown: at + 1, ArrowUp: at - 1, PageDown: at + this.pageRows(),
                  PageUp: at - this.pageRows(), Home: 0, End: n - 1 };
    if (!n) { return; }
    if (Object.prototype.hasOwnProperty.call(moves, e.key)) {
      e.preventDefault();
      this.moveCursor(Math.max(0, Math.min(n - 1, moves[e.key])), true);
    } else if ((e.key === "Enter" || e.key === " ") && this.cursor >= 0) {
      e.preventDefault();
      this.gp.select(this.shown[this.cursor].p.id, true);
    }
  };

  GeoPriorityTable.prototype.moveCursor = function (i, reveal) {
    if (!this.shown.length) { return; }
    this.cursor = Math.max(0, Math.min(this.shown.length - 1, i));
    if (reveal) { this.reveal(this.cursor); }
    this.render(false);
    this.paint();
    this.wrap.setAttribute("aria-activedescendant", "gp-row-" + this.cursor);
  };

  /* Scroll just enough that row i is wholly in view under the header. */
  GeoPriorityTable.prototype.reveal = function (i) {
    var wrap = this.wrap, h = this.rowH || 42, head = this.thead.offsetHeight;
    var top = head + i * h, bottom = top + h;
    if (top < wrap.scrollTop + head) {
      wrap.scrollTop = i * h;
    } else if (bottom > wrap.scrollTop + wrap.clientHeight) {
      wrap.scrollTop = bottom - wrap.clientHeight;
    }
  };

  /* ---- selection and reset ---------------------------------------------- */

  /* The area chosen on the map, in the search or in the table: its row is
     marked and scrolled into view when the filters show it. */
  GeoPriorityTable.prototype.markSelected = function (id) {
    if (!this.wrap) { return; }
    for (var i = 0; i < this.shown.length; i++) {
      if (this.shown[i].p.id === id) {
        this.cursor = i;
        this.reveal(i);
        break;
      }
    }
    this.render(false);
    this.paint();
  };

  /* Mark the selected and the cursor row among the rows drawn (the rows
     stay the same elements). */
  GeoPriorityTable.prototype.paint = function () {
    var rows = this.tableBody.rows, selected = this.gp.selected;
    for (var k = 0; k < rows.length; k++) {
      rows[k].classList.toggle("gp-selected", rows[k].dataset.id === selected);
      rows[k].classList.toggle("gp-cursor", Number(rows[k].dataset.index) === this.cursor);
    }
  };

  /* Back to the first view: no marked row, no filter, no search text. */
  GeoPriorityTable.prototype.reset = function () {
    this.clearSearch();
    if (!this.wrap) { return; }
    this.filterInput.value = "";
    this.query = "";
    this.prov = "";
    this.kab = "";
    this.provSelect.value = "";
    this.fillKab();
    this.refill();
  };

  /* The hits of the map's search belong to the level left. */
  GeoPriorityTable.prototype.clearSearch = function () {
    if (this.search) { this.search.clear(); }
  };

  /* Scroll the table to the area ``id`` (for scripts and tests); false when
     the filters hide it. */
  GeoPriorityTable.prototype.scrollToId = function (id) {
    for (var i = 0; i < this.shown.length; i++) {
      if (this.shown[i].p.id === id) {
        this.reveal(i);
        this.render(false);
        return true;
      }
    }
    return false;
  };

  /* ---- the map's search box (geo_priority_search.js) --------------------- */

  GeoPriorityTable.prototype.searchBox = function () {
    this.search = S.searchBox(this.gp);
    return this.search.box;
  };

  window.GeoPriorityTable = GeoPriorityTable;
})();

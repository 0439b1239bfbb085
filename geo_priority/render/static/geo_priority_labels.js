/* geo-priority map labels: each area's name inside its own area, or beside
 * it with a leader line when it cannot fit there.
 *
 * A label is first tried at its area's anchor (the pole of inaccessibility,
 * computed in Python, or here for a layer of many areas: ``anchor``), then
 * shifted a little, in two sizes and on one or two lines; it is kept only
 * when its whole box (plus a small margin) lies inside its own area, inside
 * the map, clear of the controls and of every label already placed. When
 * few areas are shown, a name that fits nowhere inside goes outside its area
 * with a leader line to the anchor: over empty space (sea) if it can, never
 * over its own area, and over another area only when nothing better is
 * free. All geometry is done in container pixels. */
(function () {
  "use strict";

  var GAP = 3;      /* pixels kept free between labels, and to a control */
  var MARGIN = 2;   /* pixels a label keeps from its own area's edge */
  var SIZES = [14, 12];
  var DISTANCES = [10, 22, 38, 58, 84, 120, 165, 220];
  var ANGLES = 16;

  function box(left, top, w, h) {
    return { left: left, top: top, right: left + w, bottom: top + h };
  }

  function grow(b, d) {
    return { left: b.left - d, top: b.top - d, right: b.right + d, bottom: b.bottom + d };
  }

  function meets(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  /* The area's rings in container pixels, with their bounding box. */
  function project(map, feature) {
    var rings = [], bb = { left: Infinity, top: Infinity, right: -Infinity, bottom: -Infinity };
    feature.geometry.coordinates.forEach(function (polygon) {
      polygon.forEach(function (ring) {
        var out = new Array(ring.length);
        for (var i = 0; i < ring.length; i++) {
          var p = map.latLngToContainerPoint([ring[i][1], ring[i][0]]);
          out[i] = [p.x, p.y];
          if (p.x < bb.left) { bb.left = p.x; }
          if (p.x > bb.right) { bb.right = p.x; }
          if (p.y < bb.top) { bb.top = p.y; }
          if (p.y > bb.bottom) { bb.bottom = p.y; }
        }
        rings.push(out);
      });
    });
    return indexEdges({ rings: rings, bbox: bb });
  }

  /* The shape's edges (xi, yi, xj, yj: a ring's point and the one before
     it) filed by horizontal bands of BAND pixels: a point or a box need only
     test the edges of its bands. The tests and their arithmetic are the
     same as over every edge (an edge outside the bands of y cannot cross
     y), so labels go where they went; the provinces' callouts at national
     zoom took seconds per pan or zoom, testing every edge. */
  var BAND = 2;

  function bandOf(shape, y) {
    var k = Math.floor((y - shape.bbox.top) / BAND);
    return Math.max(0, Math.min(shape.bands.length - 1, k));
  }

  function indexEdges(shape) {
    var b = shape.bbox, edges = [], bands = [];
    var n = isFinite(b.top) ? Math.ceil((b.bottom - b.top) / BAND) + 1 : 0;
    for (var k = 0; k < n; k++) { bands.push([]); }
    shape.edges = edges;
    shape.bands = bands;
    shape.rings.forEach(function (ring) {
      for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        var at = edges.length, yi = ring[i][1], yj = ring[j][1];
        edges.push(ring[i][0], yi, ring[j][0], yj);
        for (var k = bandOf(shape, Math.min(yi, yj)), last = bandOf(shape, Math.max(yi, yj));
             k <= last; k++) {
          bands[k].push(at);
        }
      }
    });
    return shape;
  }

  /* Even-odd rule over every ring (holes and several parts included). */
  function contains(shape, x, y) {
    var b = shape.bbox;
    if (x < b.left || x > b.right || y < b.top || y > b.bottom) { return false; }
    if (!shape.bands) { indexEdges(shape); }
    var inside = false, e = shape.edges, band = shape.bands[bandOf(shape, y)];
    for (var k = 0; k < band.length; k++) {
      var at = band[k], xi = e[at], yi = e[at + 1], xj = e[at + 2], yj = e[at + 3];
      if ((yi > y) !== (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) {
        inside = !inside;
      }
    }
    return inside;
  }

  /* Whether the segment a-b passes through the box (Liang-Barsky). */
  function segmentMeets(ax, ay, bx, by, r) {
    var t0 = 0, t1 = 1, dx = bx - ax, dy = by - ay;
    var p = [-dx, dx, -dy, dy];
    var q = [ax - r.left, r.right - ax, ay - r.top, r.bottom - ay];
    for (var i = 0; i < 4; i++) {
      if (p[i] === 0) {
        if (q[i] < 0) { return false; }
      } else {
        var t = q[i] / p[i];
        if (p[i] < 0) { if (t > t1) { return false; } if (t > t0) { t0 = t; } }
        else { if (t < t0) { return false; } if (t < t1) { t1 = t; } }
      }
    }
    return true;
  }

  /* The whole box lies inside the shape: its corners are inside and no edge
     of the shape passes through it. */
  function boxInside(shape, r) {
    var b = shape.bbox;
    if (r.left < b.left || r.right > b.right || r.top < b.top || r.bottom > b.bottom) {
      return false;
    }
    if (!contains(shape, r.left, r.top) || !contains(shape, r.right, r.top) ||
        !contains(shape, r.left, r.bottom) || !contains(shape, r.right, r.bottom)) {
      return false;
    }
    var e = shape.edges;
    for (var k = bandOf(shape, r.top), last = bandOf(shape, r.bottom); k <= last; k++) {
      var band = shape.bands[k];
      for (var m = 0; m < band.length; m++) {
        var at = band[m];
        if (segmentMeets(e[at + 2], e[at + 3], e[at], e[at + 1], r)) { return false; }
      }
    }
    return true;
  }

  /* Share of the box (sampled on a 6 x 4 grid) that lies inside any shape. */
  function shareIn(shapes, r) {
    var near = shapes.filter(function (s) { return meets(s.bbox, r); });
    if (!near.length) { return 0; }
    var hit = 0, n = 0;
    for (var i = 0; i < 6; i++) {
      for (var j = 0; j < 4; j++) {
        var x = r.left + (i + 0.5) * (r.right - r.left) / 6;
        var y = r.top + (j + 0.5) * (r.bottom - r.top) / 4;
        n += 1;
        if (near.some(function (s) { return contains(s, x, y); })) { hit += 1; }
      }
    }
    return hit / n;
  }

  /* One or two lines: a name of several words is also tried broken in two
     balanced lines ("Kota Tangerang" / "Selatan"). */
  function lineSets(name) {
    var words = name.split(" "), sets = [[name]];
    if (words.length > 1) {
      var best = 1, bestDiff = Infinity;
      for (var i = 1; i < words.length; i++) {
        var diff = Math.abs(words.slice(0, i).join(" ").length -
                            words.slice(i).join(" ").length);
        if (diff < bestDiff) { best = i; bestDiff = diff; }
      }
      sets.push([words.slice(0, best).join(" "), words.slice(best).join(" ")]);
    }
    return sets;
  }

  function content(variant) {
    var span = document.createElement("span");
    span.style.fontSize = variant.size + "px";
    variant.lines.forEach(function (line, i) {
      if (i) { span.appendChild(document.createElement("br")); }
      span.appendChild(document.createTextNode(line));
    });
    return span;
  }

  var sizes = {};

  /* Width and height of a label as drawn (measured once per text and size). */
  function measure(map, variant) {
    var key = variant.size + "|" + variant.lines.join("\n");
    if (!sizes[key]) {
      var probe = document.createElement("div");
      probe.className = "leaflet-tooltip gp-label";
      probe.style.visibility = "hidden";
      probe.style.left = "0px";
      probe.style.top = "0px";
      probe.appendChild(content(variant));
      map.getPane("tooltipPane").appendChild(probe);
      sizes[key] = { w: probe.offsetWidth, h: probe.offsetHeight };
      probe.remove();
    }
    return sizes[key];
  }

  function variants(map, name) {
    var out = [];
    SIZES.forEach(function (size) {
      lineSets(name).forEach(function (lines) {
        var v = { size: size, lines: lines };
        var s = measure(map, v);
        v.w = s.w;
        v.h = s.h;
        out.push(v);
      });
    });
    return out;
  }

  /* Centres to try for a w x h label in the shape: the anchor, then the
     points of a grid over the shape's box from which the label could fit,
     nearest the anchor first (at most SPOTS of them). */
  var SPOTS = 500;

  function spots(anchor, shape, w, h) {
    var b = shape.bbox, out = [[anchor.x, anchor.y]];
    var x0 = b.left + w / 2, x1 = b.right - w / 2, y0 = b.top + h / 2, y1 = b.bottom - h / 2;
    if (x1 < x0 || y1 < y0) { return out; }
    var step = Math.max(3, Math.sqrt((x1 - x0 + 1) * (y1 - y0 + 1) / SPOTS));
    var grid = [];
    for (var x = x0; x <= x1; x += step) {
      for (var y = y0; y <= y1; y += step) { grid.push([x, y]); }
    }
    grid.sort(function (p, q) {
      return (Math.pow(p[0] - anchor.x, 2) + Math.pow(p[1] - anchor.y, 2)) -
             (Math.pow(q[0] - anchor.x, 2) + Math.pow(q[1] - anchor.y, 2));
    });
    return out.concat(grid.slice(0, SPOTS));
  }

  function Placer(map, obstacles) {
    this.map = map;
    this.size = map.getSize();
    this.obstacles = obstacles;
    this.placed = [];
    this.leaders = [];
  }

  /* Inside the map, clear of the controls, other labels and leader lines. */
  Placer.prototype.free = function (r) {
    var g = grow(r, GAP);
    if (g.left < 0 || g.top < 0 || g.right > this.size.x || g.bottom > this.size.y) {
      return false;
    }
    if (this.obstacles.some(function (o) { return meets(g, o); })) { return false; }
    if (this.placed.some(function (p) { return meets(g, p.box); })) { return false; }
    return !this.leaders.some(function (l) {
      return segmentMeets(l[0], l[1], l[2], l[3], g);
    });
  };

  Placer.prototype.inside = function (item) {
    var a = item.anchor, shape = item.shape;
    for (var i = 0; i < item.variants.length; i++) {
      var v = item.variants[i], centres = spots(a, shape, v.w + 2 * MARGIN, v.h + 2 * MARGIN);
      for (var k = 0; k < centres.length; k++) {
        var r = box(centres[k][0] - v.w / 2, centres[k][1] - v.h / 2, v.w, v.h);
        if (boxInside(shape, grow(r, MARGIN)) && this.free(r)) {
          this.placed.push({ feature: item.feature, variant: v, box: r, anchor: null });
          return true;
        }
      }
    }
    return false;
  };

  /* The point of the box nearest the anchor: where the leader line ends. */
  function nearest(r, a) {
    return [Math.max(r.left, Math.min(a.x, r.right)), Math.max(r.top, Math.min(a.y, r.bottom))];
  }

  /* Whether segments p1-p2 and p3-p4 cross. */
  function crosses(p1, p2, p3, p4) {
    function side(a, b, c) { return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]); }
    var d1 = side(p3, p4, p1), d2 = side(p3, p4, p2), d3 = side(p1, p2, p3), d4 = side(p1, p2, p4);
    return ((d1 > 0) !== (d2 > 0)) && ((d3 > 0) !== (d4 > 0));
  }

  /* Every spot beside the area, with its cost: the share of the label over
     other areas (worst), over its own area, over neighbouring context areas
     (empty space, the sea, is best), and a little for a long leader line or
     a smaller font. Spots that leave the map or meet a control are dropped. */
  Placer.prototype.spotsBeside = function (item, others, context) {
    var a = item.anchor, out = [], self = this;
    item.variants.forEach(function (v, vi) {
      DISTANCES.forEach(function (d, di) {
        for (var k = 0; k < ANGLES; k++) {
          var t = 2 * Math.PI * k / ANGLES, ux = Math.cos(t), uy = Math.sin(t);
          var cx = a.x + ux * (d + v.w / 2), cy = a.y + uy * (d + v.h / 2);
          var r = box(cx - v.w / 2, cy - v.h / 2, v.w, v.h), g = grow(r, GAP);
          if (g.left < 0 || g.top < 0 || g.right > self.size.x || g.bottom > self.size.y ||
              self.obstacles.some(function (o) { return meets(g, o); })) { continue; }
          var cost = 10 * shareIn(others, r) + 6 * shareIn([item.shape], r) +
                     shareIn(context, r) + 0.1 * di + 0.3 * vi;
          out.push({ cost: cost, variant: v, box: r, end: nearest(r, a) });
        }
      });
    });
    out.sort(function (p, q) { return p.cost - q.cost; });
    return out;
  };

  /* The cheapest spot that is free now and whose leader line crosses no
     label and no other leader line. */
  Placer.prototype.firstFree = function (item, spots) {
    var a = [item.anchor.x, item.anchor.y], self = this;
    for (var i = 0; i < spots.length; i++) {
      var s = spots[i];
      if (!this.free(s.box)) { continue; }
      var blocked = this.placed.some(function (p) {
        return segmentMeets(a[0], a[1], s.end[0], s.end[1], grow(p.box, 1));
      }) || this.leaders.some(function (l) {
        return crosses(a, s.end, [l[0], l[1]], [l[2], l[3]]);
      }) || (self.dots || []).some(function (d) {
        return d !== item && meets(grow(s.box, GAP), box(d.anchor.x - 4, d.anchor.y - 4, 8, 8));
      });
      if (!blocked) { return s; }
    }
    return null;
  };

  function permutations(list) {
    if (list.length <= 1) { return [list.slice()]; }
    var out = [];
    list.forEach(function (x, i) {
      permutations(list.slice(0, i).concat(list.slice(i + 1))).forEach(function (rest) {
        out.push([x].concat(rest));
      });
    });
    return out;
  }

  /* Names beside their areas: placed one by one at the cheapest free spot,
     in the order (of up to 120 tried: every order of five, else the
     priority order and its reverse) with the least total cost. */
  Placer.prototype.callouts = function (pending, items, context, max) {
    this.calloutsStart(pending);
    for (var k = 0; k < pending.length; k++) { this.calloutSpots(pending[k], items, context); }
    var orders = this.calloutOrders(pending);
    for (var o = 0; o < orders.length; o++) { this.calloutOrder(orders[o], max); }
    this.calloutsEnd();
  };

  Placer.prototype.calloutsStart = function (pending) {
    this.dots = pending;
  };

  /* Every spot beside ``item``, with its cost. */
  Placer.prototype.calloutSpots = function (item, items, context) {
    var others = items.filter(function (o) { return o !== item; })
      .map(function (o) { return o.shape; });
    item.spots = this.spotsBeside(item, others, context);
  };

  /* The orders to try; the labels placed so far are where each starts. */
  Placer.prototype.calloutOrders = function (pending) {
    this.start = { placed: this.placed.slice(), leaders: this.leaders.slice() };
    this.best = null;
    return pending.length <= 5 ? permutations(pending) : [pending, pending.slice().reverse()];
  };

  /* One order tried: kept when cheaper than the best so far. */
  Placer.prototype.calloutOrder = function (order, max) {
    var self = this;
    self.placed = this.start.placed.slice();
    self.leaders = this.start.leaders.slice();
    var total = 0;
    order.forEach(function (item) {
      if (self.placed.length >= max) { total += 1000; return; }
      var s = self.firstFree(item, item.spots);
      if (!s) { total += 1000; return; }
      total += s.cost;
      self.placed.push({ feature: item.feature, variant: s.variant, box: s.box,
                         anchor: [item.anchor.x, item.anchor.y], end: s.end });
      self.leaders.push([item.anchor.x, item.anchor.y, s.end[0], s.end[1]]);
    });
    if (!this.best || total < this.best.total) {
      this.best = { total: total, placed: self.placed, leaders: self.leaders };
    }
  };

  Placer.prototype.calloutsEnd = function () {
    if (this.best) {
      this.placed = this.best.placed;
      this.leaders = this.best.leaders;
    }
  };

  /**
   * Choose where the names of ``features`` go, a step at a time.
   *
   * options: obstacles (control boxes, container pixels), max (labels at
   * most), callouts (whether a name that fits nowhere inside may go beside
   * its area with a leader line), context (neighbouring features, for the
   * callouts' preference of empty space), anchor (feature -> [lat, lon] or
   * null, for features without ``lp``; by default ``anchor`` of their
   * geometry: those whose anchor is out of view are left out, and count
   * for nothing). Features come highest priority first. ``step(until)`` works until performance.now() passes ``until``
   * (at least one step: one area measured, tried inside or beside, or one
   * order of the callouts) and returns null, or, once done, the labels:
   * [{feature, variant {size, lines, w, h}, box, anchor, end}]; ``anchor``
   * and ``end`` (container pixels) are the leader line's ends, null for a
   * label inside its own area. The map must not move meanwhile. The steps
   * are those of one whole placement, in the same order: same labels.
   */
  function Placement(map, features, options) {
    this.map = map;
    this.features = features;
    this.options = options;
    this.placer = new Placer(map, options.obstacles || []);
    this.items = [];
    this.pending = [];
    this.budget = Math.max(options.max * 6, 60);
    this.phase = 0;
    this.at = 0;
  }

  Placement.prototype.step = function (until) {
    var first = true;
    while (this.phase < 6) {
      if (!first && performance.now() > until) { return null; }
      first = false;
      this.next();
    }
    return this.placer.placed;
  };

  /* One step of the placement. */
  Placement.prototype.next = function () {
    var map = this.map, options = this.options, placer = this.placer, items = this.items;
    if (this.phase === 0) {          /* each area: its shape and name sizes */
      var f = this.features[this.at];
      if (this.at >= this.features.length || items.length >= this.budget) {
        this.phase = 1;
        this.at = 0;
        return;
      }
      this.at += 1;
      var lp = f.properties.lp;
      if (!lp) {  /* computed now; an area whose anchor is out of view: no label */
        lp = options.anchor ? options.anchor(f) : anchor(f.geometry.coordinates);
        if (!lp || !map.getBounds().contains([lp[0], lp[1]])) { return; }
      }
      var name = f.properties.name.replace(/^Kabupaten /, "Kab. ");
      items.push({ feature: f, anchor: map.latLngToContainerPoint([lp[0], lp[1]]),
                   shape: project(map, f), variants: variants(map, name) });
    } else if (this.phase === 1) {   /* each name inside its own area */
      if (this.at >= items.length) {
        this.phase = options.callouts && this.pending.length ? 2 : 6;
        this.at = 0;
        return;
      }
      var item = items[this.at++];
      if (placer.placed.length >= options.max || !placer.inside(item)) { this.pending.push(item); }
    } else if (this.phase === 2) {   /* the rest beside: the spots */
      this.context = (options.context || []).map(function (c) { return project(map, c); });
      placer.calloutsStart(this.pending);
      this.phase = 3;
    } else if (this.phase === 3) {
      if (this.at >= this.pending.length) {
        this.orders = placer.calloutOrders(this.pending);
        this.phase = 4;
        this.at = 0;
        return;
      }
      placer.calloutSpots(this.pending[this.at++], items, this.context);
    } else if (this.phase === 4) {   /* and the orders to place them in */
      if (this.at >= this.orders.length) {
        placer.calloutsEnd();
        this.phase = 6;
        return;
      }
      placer.calloutOrder(this.orders[this.at++], options.max);
    }
  };

  /* Choose where the names of ``features`` go, at once (see Placement). */
  function placeLabels(map, features, options) {
    return new Placement(map, features, options).step(Infinity);
  }

  /* ---- label anchors computed in the page --------------------------------
     A layer of many areas (display.BROWSER_ANCHORS) comes without anchors;
     an area's anchor is computed from its drawn rings when a label first
     needs it, by the rule of display.label_anchor: in the largest polygon,
     with longitudes shrunk by cos(latitude), the centroid when it has at
     least 0.9 of the room of the pole of inaccessibility, else the pole,
     else (no room: a degenerate ring) a point on the surface. The pole is
     found by the grid-and-priority-queue search that V. Agafonkin described
     for mapbox's polylabel ("A new algorithm for finding a visual center of
     a polygon", 2016), written here from that description: square cells
     over the polygon, the most promising one (its distance to the edges
     plus its half diagonal) split in four first, until no cell can beat
     the best by more than ``precision`` (sqrt(area) / 100, as in Python). */

  /* Twice the signed area of a ring and its centroid sums (shoelace). */
  function ringMoments(ring) {
    var a = 0, cx = 0, cy = 0, n = ring.length;
    for (var i = 0, j = n - 2; i < n; j = i, i += 2) {
      var f = ring[j] * ring[i + 1] - ring[i] * ring[j + 1];
      a += f;
      cx += (ring[j] + ring[i]) * f;
      cy += (ring[j + 1] + ring[i + 1]) * f;
    }
    return { a: a, cx: cx, cy: cy };
  }

  /* Area and centroid of a polygon (outer ring minus its holes); null
     centroid when it has no area. */
  function polygonMoments(rings) {
    var area = 0, sx = 0, sy = 0;
    rings.forEach(function (ring, k) {
      var m = ringMoments(ring), sign = (m.a < 0 ? -1 : 1) * (k === 0 ? 1 : -1);
      area += sign * m.a;
      sx += sign * m.cx;
      sy += sign * m.cy;
    });
    return { area: area / 2, centroid: area > 0 ? [sx / (3 * area), sy / (3 * area)] : null };
  }

  /* Signed distance from (x, y) to the polygon's edges: positive inside
     (even-odd over every ring), negative outside, 0 on an edge. The rings
     are flat [x0, y0, x1, y1, ...] arrays. */
  function signedDistance(rings, x, y) {
    var inside = false, best = Infinity;
    for (var r = 0; r < rings.length; r++) {
      var ring = rings[r], n = ring.length;
      for (var i = 0, j = n - 2; i < n; j = i, i += 2) {
        var ax = ring[i], ay = ring[i + 1], bx = ring[j], by = ring[j + 1];
        if ((ay > y) !== (by > y) && x < (bx - ax) * (y - ay) / (by - ay) + ax) {
          inside = !inside;
        }
        var dx = bx - ax, dy = by - ay, px = ax, py = ay;
        if (dx !== 0 || dy !== 0) {
          var t = ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy);
          if (t > 1) { px = bx; py = by; } else if (t > 0) { px = ax + dx * t; py = ay + dy * t; }
        }
        var d = (x - px) * (x - px) + (y - py) * (y - py);
        if (d < best) { best = d; }
      }
    }
    return (inside ? 1 : -1) * Math.sqrt(best);
  }

  /* A binary heap of cells, the greatest ``max`` on top. */
  function CellQueue() { this.items = []; }

  CellQueue.prototype.push = function (cell) {
    var a = this.items, i = a.length;
    a.push(cell);
    while (i > 0) {
      var up = (i - 1) >> 1;
      if (a[up].max >= cell.max) { break; }
      a[i] = a[up];
      i = up;
    }
    a[i] = cell;
  };

  CellQueue.prototype.pop = function () {
    var a = this.items, top = a[0], last = a.pop(), n = a.length, i = 0;
    if (!n) { return top; }
    while (true) {
      var l = 2 * i + 1, r = l + 1, m = i;
      var mMax = last.max;
      if (l < n && a[l].max > mMax) { m = l; mMax = a[l].max; }
      if (r < n && a[r].max > mMax) { m = r; }
      if (m === i) { break; }
      a[i] = a[m];
      i = m;
    }
    a[i] = last;
    return top;
  };

  function cell(rings, x, y, h) {
    var d = signedDistance(rings, x, y);
    return { x: x, y: y, h: h, d: d, max: d + h * Math.SQRT2 };
  }

  /* Cells looked at, at most, for one pole (a safety net: an area of the
     national desa needs a few hundred). */
  var MAX_CELLS = 100000;

  /* The pole of inaccessibility of a polygon of some area: {x, y, d} (d
     its distance to the edges, negative when no inside point was found). */
  function pole(rings, precision) {
    var outer = rings[0], x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (var i = 0; i < outer.length; i += 2) {
      x0 = Math.min(x0, outer[i]); y0 = Math.min(y0, outer[i + 1]);
      x1 = Math.max(x1, outer[i]); y1 = Math.max(y1, outer[i + 1]);
    }
    var size = Math.max(precision, Math.min(x1 - x0, y1 - y0));
    if (!(x1 - x0 > 0 && y1 - y0 > 0)) { return { x: x0, y: y0, d: -Infinity }; }
    var queue = new CellQueue();
    for (var x = x0; x < x1; x += size) {
      for (var y = y0; y < y1; y += size) { queue.push(cell(rings, x + size / 2, y + size / 2, size / 2)); }
    }
    /* first guesses: the outer ring's centroid, the box's centre */
    var m = ringMoments(outer);
    var best = m.a !== 0 ? cell(rings, m.cx / (3 * m.a), m.cy / (3 * m.a), 0)
      : cell(rings, outer[0], outer[1], 0);
    var middle = cell(rings, (x0 + x1) / 2, (y0 + y1) / 2, 0);
    if (middle.d > best.d) { best = middle; }
    for (var n = 0; queue.items.length && n < MAX_CELLS; n++) {
      var c = queue.pop();
      if (c.d > best.d) { best = c; }
      if (c.max - best.d <= precision) { continue; }
      var h = c.h / 2;
      queue.push(cell(rings, c.x - h, c.y - h, h));
      queue.push(cell(rings, c.x + h, c.y - h, h));
      queue.push(cell(rings, c.x - h, c.y + h, h));
      queue.push(cell(rings, c.x + h, c.y + h, h));
    }
    return best;
  }

  /* A point inside the polygon (GEOS's interior point of an area): the
     middle of the widest stretch inside along a horizontal line that
     passes between the vertices nearest the middle of its height. */
  function pointOnSurface(rings) {
    var lo = Infinity, hi = -Infinity, outer = rings[0], r, i;
    for (i = 1; i < outer.length; i += 2) { lo = Math.min(lo, outer[i]); hi = Math.max(hi, outer[i]); }
    var centre = (lo + hi) / 2, below = lo, above = hi;
    for (r = 0; r < rings.length; r++) {
      for (i = 1; i < rings[r].length; i += 2) {
        var py = rings[r][i];
        if (py <= centre && py > below) { below = py; }
        if (py > centre && py < above) { above = py; }
      }
    }
    var y = (below + above) / 2, xs = [];
    for (r = 0; r < rings.length; r++) {
      var ring = rings[r], n = ring.length;
      for (var k = 0, j = n - 2; k < n; j = k, k += 2) {
        var ax = ring[k], ay = ring[k + 1], bx = ring[j], by = ring[j + 1];
        if ((ay > y) !== (by > y)) { xs.push(ax + (y - ay) * (bx - ax) / (by - ay)); }
      }
    }
    xs.sort(function (p, q) { return p - q; });
    var best = null, width = -1;
    for (var m = 0; m + 1 < xs.length; m += 2) {
      if (xs[m + 1] - xs[m] > width) { width = xs[m + 1] - xs[m]; best = [(xs[m] + xs[m + 1]) / 2, y]; }
    }
    return best || [outer[0], outer[1]];
  }

  /**
   * The label anchor [lat, lon] of an area from its polygons (GeoJSON
   * MultiPolygon coordinates, [lon, lat]); null for an area with no ring.
   */
  function anchor(polygons) {
    var largest = null, area = -Infinity, moments = null;
    polygons.forEach(function (polygon) {
      if (!polygon.length || !polygon[0].length) { return; }
      var rings = polygon.map(function (ring) {
        var flat = new Float64Array(2 * ring.length);
        for (var i = 0; i < ring.length; i++) { flat[2 * i] = ring[i][0]; flat[2 * i + 1] = ring[i][1]; }
        return flat;
      });
      var m = polygonMoments(rings);
      if (m.area > area) { largest = rings; area = m.area; moments = m; }
    });
    if (!largest) { return null; }
    var lat = moments.centroid ? moments.centroid[1] : largest[0][1];
    var shrink = Math.max(Math.cos(lat * Math.PI / 180), 0.05);
    var local = largest.map(function (ring) {
      var out = new Float64Array(ring.length);
      for (var i = 0; i < ring.length; i += 2) { out[i] = ring[i] * shrink; out[i + 1] = ring[i + 1]; }
      return out;
    });
    var precision = Math.max(Math.sqrt(area * shrink) / 100, 1e-9);
    /* a ring of no area has no inside: straight to the point on it */
    var best = area > 0 ? pole(local, precision) : { x: 0, y: 0, d: 0 };
    var room = best.d > 0 ? best.d : 0, at = [best.x, best.y];
    var centre = moments.centroid && [moments.centroid[0] * shrink, moments.centroid[1]];
    var inCentre = centre ? signedDistance(local, centre[0], centre[1]) : -Infinity;
    if (inCentre > 0 && inCentre >= 0.9 * room) {
      at = centre;
    } else if (room === 0) {
      at = pointOnSurface(local);
    }
    return [at[1], at[0] / shrink];
  }

  window.GeoPriorityLabels = { place: placeLabels, Placement: Placement, content: content,
                              anchor: anchor,
                              geometry: { project: project, boxInside: boxInside,
                                          contains: contains, variants: variants } };
})();

/* geo-priority offline map: the areas of a level-of-detail map (the national
 * desa map) drawn on one canvas straight from the packed rings, with no
 * Leaflet layer per area.
 *
 * An area's rings are projected to Web Mercator once, when it is first in
 * view (world units 0..1, as Leaflet's EPSG:3857 / 256 at zoom 0); a redraw
 * after a pan or a zoom only scales and shifts them, skips points less than
 * half a pixel apart, and draws only the areas whose bounding box meets the
 * canvas. Areas of one fill and one outline width go into one Path2D, so a
 * few fills and strokes draw thousands of desa. Hover, click and the tooltip
 * hit-test the areas drawn: bounding box first, then the rings (even-odd, as
 * they are filled). The hover and selected outlines are single Leaflet
 * polygons in a pane above the canvas (geo_priority.js).
 *
 * The canvas is a Leaflet canvas renderer with no paths of its own, so it is
 * placed, padded, sized and zoom-animated exactly as Leaflet's own canvas.
 * A redraw is made off the page over several frames and copied in when
 * whole; meanwhile the canvas shows the last whole draw, moved and scaled to
 * the view (so a pan at desa zoom is not one frame of all the fills). */
(function () {
  "use strict";

  var MAX_LATITUDE = 85.0511287798;
  var RAD = Math.PI / 180;

  /* Web Mercator world units (0..1) of a longitude and a latitude. */
  function unitX(lon) { return lon / 360 + 0.5; }

  function unitY(lat) {
    var s = Math.sin(Math.max(-MAX_LATITUDE, Math.min(MAX_LATITUDE, lat)) * RAD);
    return 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
  }

  /* Area i's points in world units, into the level's ``xy`` (same index as
     its packed coordinates), once. */
  function project(v, i) {
    if (!v.xy) {
      v.xy = new Float64Array(v.coords.length);
      v.projected = new Uint8Array(v.props.length);
    }
    if (v.projected[i]) { return; }
    var s = v.struct, c = v.coords, q = v.scale, xy = v.xy, si = v.sAt[i], ci = v.cAt[i];
    for (var p = 0, np = s[si++]; p < np; p++) {
      for (var r = 0, nr = s[si++]; r < nr; r++) {
        var x = 0, y = 0;
        for (var k = 0, nv = s[si++]; k < nv; k++) {
          x += c[ci];
          y += c[ci + 1];
          xy[ci] = unitX(x / q);
          xy[ci + 1] = unitY(y / q);
          ci += 2;
        }
      }
    }
    v.projected[i] = 1;
  }

  /* Project level v's areas ahead of need until performance.now() passes
     ``until``; true once all are. */
  function projectStep(v, until) {
    var n = v.props.length;
    if (v.projectedAll) { return true; }
    for (var i = v.projectedUpTo || 0; i < n; i++) {
      project(v, i);
      if ((i & 63) === 63 && performance.now() > until) {
        v.projectedUpTo = i + 1;
        return false;
      }
    }
    v.projectedAll = true;
    return true;
  }

  /* Add area i's rings to ``path`` in pixels (world unit * size - origin),
     dropping points less than half a pixel from the last one kept. A ring
     is closed by a line back to its first point (packed rings already end
     on it), not by closePath, which costs Chromium far more than a lineTo. */
  function trace(path, v, i, size, ox, oy) {
    var s = v.struct, xy = v.xy, si = v.sAt[i], ci = v.cAt[i];
    for (var p = 0, np = s[si++]; p < np; p++) {
      for (var r = 0, nr = s[si++]; r < nr; r++) {
        var nv = s[si++], end = ci + 2 * nv;
        var fx = xy[ci] * size - ox, fy = xy[ci + 1] * size - oy, lx = fx, ly = fy;
        path.moveTo(fx, fy);
        for (var k = ci + 2; k < end; k += 2) {
          var x = xy[k] * size - ox, y = xy[k + 1] * size - oy;
          if (k === end - 2 || Math.abs(x - lx) + Math.abs(y - ly) > 0.5) {
            path.lineTo(x, y);
            lx = x;
            ly = y;
          }
        }
        if (lx !== fx || ly !== fy) { path.lineTo(fx, fy); }
        ci = end;
      }
    }
  }

  /* Whether the world point (ux, uy) is inside area i (even-odd over all
     its rings, holes and parts included). */
  function inside(v, i, ux, uy) {
    var s = v.struct, xy = v.xy, si = v.sAt[i], ci = v.cAt[i], hit = false;
    for (var p = 0, np = s[si++]; p < np; p++) {
      for (var r = 0, nr = s[si++]; r < nr; r++) {
        var nv = s[si++], end = ci + 2 * nv;
        for (var a = ci, b = end - 2; a < end; b = a, a += 2) {
          var ya = xy[a + 1], yb = xy[b + 1];
          if ((ya > uy) !== (yb > uy) &&
              ux < (xy[b] - xy[a]) * (uy - ya) / (yb - ya) + xy[a]) { hit = !hit; }
        }
        ci = end;
      }
    }
    return hit;
  }

  /* A redraw is done in a canvas off the page over several animation
     frames, SLICE_MS at a time: the areas are chosen and traced into one
     Path2D per fill and outline width, then each path is filled (then each
     stroked) in turn, getImageData making Chromium paint it then and not
     all in one frame. The operations are those of one whole draw, in the
     same order, so the pixels are the same; a path is never cut (a clip
     moves Chromium's antialiasing by a level or two near the cut). */
  var SLICE_MS = 10;

  function offscreen() {
    var canvas = document.createElement("canvas");
    return { canvas: canvas, ctx: canvas.getContext("2d", { willReadFrequently: true }) };
  }

  var AreaCanvas = L.Canvas.extend({
    /* ``gp``: the GeoPriorityMap, which gives each area's fill and outline
       (areaStyle) and handles hover, click and leaving (canvasHover,
       canvasClick). */
    initialize: function (gp, options) {
      L.Canvas.prototype.initialize.call(this, options);
      this.gp = gp;
      this.level = null;
      this.drawn = [];
      this.dirty = false;
      this.job = null;       /* the draw under way, strip by strip */
      this.front = null;     /* the last whole draw (what the page shows) */
      this.spare = null;     /* an off-page canvas to draw the next one in */
      this.generation = 0;
      this.waiting = [];     /* callbacks of whenDrawn */
      this.rates = [0, 0];   /* ms per area of the last fill and stroke */
    },

    setLevel: function (v) {
      this.level = v;
      this.drawn = [];
      this.requestDraw();
    },

    /* Redraw soon (a new variable, a new level, a selection); a pan or a
       zoom starts again at once, when Leaflet resizes the canvas. */
    requestDraw: function () {
      var self = this;
      if (this.dirty) { return; }
      this.dirty = true;
      this.setBusy(true);
      L.Util.requestAnimFrame(function () {
        if (self.dirty && self._map && !self._map._animatingZoom) { self.draw(); }
      });
    },

    /* Leaflet's canvas calls this after each pan or zoom (canvas resized,
       so cleared): the last whole draw is put back, moved and scaled to
       the new view, until the new one is done. */
    _updatePaths: function () {
      if (this._postponeUpdatePaths) { return; }
      this.showFront();
      this.draw();
    },

    /* Draw again from scratch, as it stands (the page shows the last whole
       draw meanwhile). */
    redraw: function () {
      this.draw();
    },

    /* Whether a draw is under way (``pendingAdds`` of the map, which the
       tests and the benchmark wait on). */
    setBusy: function (busy) {
      this.gp.pendingAdds = busy;
    },

    /* ``callback`` once no draw is under way (at once if none is). */
    whenDrawn: function (callback) {
      if (this.job || this.dirty) { this.waiting.push(callback); } else { callback(); }
    },

    /* The last whole draw onto the (cleared) canvas, at the new view. */
    showFront: function () {
      var f = this.front, map = this._map;
      if (!f || !map || !this._ctx) { return; }
      var scale = Math.pow(2, map.getZoom() - f.zoom), origin = map.getPixelOrigin();
      var b = this._bounds, ctx = this._ctx, m = f.m;
      var x = (f.min.x + f.origin.x) * scale - origin.x - b.min.x;
      var y = (f.min.y + f.origin.y) * scale - origin.y - b.min.y;
      ctx.save();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.drawImage(f.buffer.canvas, x * m, y * m, f.buffer.canvas.width * scale,
                    f.buffer.canvas.height * scale);
      ctx.restore();
    },

    /* Start drawing the level at the canvas as it stands: the areas whose
       box meets it are chosen and drawn in the animation frames that
       follow (a new draw drops the one under way). */
    draw: function () {
      var v = this.level, map = this._map, gp = this.gp, self = this;
      this.dirty = false;
      var generation = ++this.generation;
      this.job = null;
      if (!v || !map || !this._ctx || gp.building) { this.finish(); return; }
      /* device pixels: twice the layer's on a retina screen, as Leaflet's */
      var b = this._bounds, zoom = map.getZoom(), size = b.getSize();
      var m = L.Browser.retina ? 2 : 1, buffer = this.spare || offscreen();
      this.spare = null;
      buffer.canvas.width = m * size.x;   /* also clears it */
      buffer.canvas.height = m * size.y;
      buffer.ctx.setTransform(m, 0, 0, m, -m * b.min.x, -m * b.min.y);
      var nw = map.layerPointToLatLng(b.min), se = map.layerPointToLatLng(b.max);
      this.job = {
        v: v, zoom: zoom, size: 256 * Math.pow(2, zoom), origin: map.getPixelOrigin(),
        min: b.min, buffer: buffer, m: m, w: nw.lng, n: nw.lat, e: se.lng, s: se.lat,
        next: 0, styles: {}, groups: [], items: [], op: 0
      };
      this.setBusy(true);
      L.Util.requestAnimFrame(function step() {
        if (generation !== self.generation || !self._map) { return; }
        if (!self._map._animatingZoom && self.work(performance.now() + SLICE_MS)) {
          self.swap();
          return;
        }
        L.Util.requestAnimFrame(step);
      });
    },

    /* Work on the draw under way until the clock passes ``until`` (at
       least one step); true once every path is filled and stroked. A fill
       or stroke expected to take longer than the time left waits for the
       next frame (``rate``: ms per area of the last ones). */
    work: function (until) {
      var job = this.job, first = true, groups = job.groups;
      if (job.next >= 0) {
        this.choose(job, until);
        if (job.next >= 0 || performance.now() > until) { return false; }
        first = false;
      }
      var n = groups.length;
      while (job.op < 2 * n) {
        var g = groups[job.op % n], stroke = job.op >= n, rate = this.rates[stroke ? 1 : 0];
        if (!first && performance.now() + rate * g.count > until) { return false; }
        var start = performance.now();
        this.paint(job, g, stroke);
        if (g.count > 200) { this.rates[stroke ? 1 : 0] = (performance.now() - start) / g.count; }
        job.op += 1;
        first = false;
      }
      return true;
    },

    /* The areas of the level whose box meets the canvas (in index order,
       projected), each traced into its style group's path, until the clock
       passes ``until``. */
    choose: function (job, until) {
      var v = job.v, bb = v.bb, gp = this.gp, count = v.props.length;
      var w = job.w, n = job.n, e = job.e, s = job.s, size = job.size;
      var ox = job.origin.x, oy = job.origin.y;
      for (var i = job.next; i < count; i++) {
        if (bb[4 * i] > e || bb[4 * i + 2] < w || bb[4 * i + 1] > n || bb[4 * i + 3] < s) {
          continue;
        }
        var style = gp.areaStyle(v, i, job.zoom, job.styles);
        if (!style.path) {
          style.path = new Path2D();
          style.count = 0;
          job.groups.push(style);
        }
        project(v, i);
        trace(style.path, v, i, size, ox, oy);
        style.count += 1;
        job.items.push(i);
        if ((i & 63) === 63 && performance.now() > until) {
          job.next = i + 1;
          return;
        }
      }
      job.next = -1;
    },

    /* Fill (or stroke) one style group's path into the buffer, and have
       Chromium paint it now (it paints when the drawing is read). */
    paint: function (job, style, stroke) {
      var ctx = job.buffer.ctx;
      if (stroke) {
        if (!style.weight) { return; }
        ctx.globalAlpha = 1;
        ctx.lineCap = "round";
        ctx.lineJoin = "round";
        ctx.lineWidth = style.weight;
        ctx.strokeStyle = style.color;
        ctx.stroke(style.path);
      } else {
        ctx.globalAlpha = style.fillOpacity;
        ctx.fillStyle = style.fill;
        ctx.fill(style.path, "evenodd");
      }
      ctx.getImageData(0, 0, 1, 1);
    },

    /* The draw finished: onto the page's canvas in one copy. */
    swap: function () {
      var job = this.job, ctx = this._ctx;
      ctx.save();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.globalCompositeOperation = "copy";
      ctx.drawImage(job.buffer.canvas, 0, 0);
      ctx.restore();
      if (this.front) { this.spare = this.front.buffer; }
      this.front = { buffer: job.buffer, min: job.min, origin: job.origin, zoom: job.zoom,
                     m: job.m };
      this.drawn = job.items;
      this.job = null;
      this.finish();
    },

    /* No draw under way: say so, and call those waiting for it. */
    finish: function () {
      if (this.dirty) { return; }
      this.setBusy(false);
      var waiting = this.waiting;
      this.waiting = [];
      waiting.forEach(function (callback) { callback(); });
    },

    /* The index of the area drawn under the layer point, or -1. */
    areaAt: function (point) {
      var v = this.level, map = this._map;
      if (!v || !map || !v.xy) { return -1; }
      var at = map.layerPointToLatLng(point), lon = at.lng, lat = at.lat, bb = v.bb;
      var ux = unitX(lon), uy = unitY(lat), drawn = this.drawn;
      for (var k = drawn.length - 1; k >= 0; k--) {
        var i = drawn[k];
        if (lon >= bb[4 * i] && lon <= bb[4 * i + 2] && lat >= bb[4 * i + 1] &&
            lat <= bb[4 * i + 3] && inside(v, i, ux, uy)) { return i; }
      }
      return -1;
    },

    /* The mouse over the canvas: the area under it, then the map's own
       mousemove (as Leaflet's canvas does with no path under the mouse). */
    _onMouseMove: function (e) {
      var map = this._map;
      if (!map || map.dragging.moving() || map._animatingZoom) { return; }
      var point = map.mouseEventToLayerPoint(e), i = this.areaAt(point);
      L.DomUtil[i >= 0 ? "addClass" : "removeClass"](this._container, "leaflet-interactive");
      this.gp.canvasHover(i, map.layerPointToLatLng(point));
      this._fireEvent(false, e);
    },

    _onClick: function (e) {
      var map = this._map;
      if (!map) { return; }
      if (e.type === "click" && !map._draggableMoved(map)) {
        var i = this.areaAt(map.mouseEventToLayerPoint(e));
        if (i >= 0) { this.gp.canvasClick(i); }
      }
      this._fireEvent(false, e);
    },

    _handleMouseOut: function () {
      L.DomUtil.removeClass(this._container, "leaflet-interactive");
      this.gp.canvasHover(-1, null);
    }
  });

  window.GeoPriorityCanvas = { Layer: AreaCanvas, projectStep: projectStep,
                               unitX: unitX, unitY: unitY };
})();

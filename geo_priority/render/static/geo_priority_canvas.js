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
 * placed, padded, sized and zoom-animated exactly as Leaflet's own canvas. */
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
    },

    setLevel: function (v) {
      this.level = v;
      this.drawn = [];
      this.requestDraw();
    },

    /* Redraw in the next frame (a new variable, a new level, a selection);
       a pan or a zoom redraws at once, when Leaflet resizes the canvas. */
    requestDraw: function () {
      var self = this;
      if (this.dirty) { return; }
      this.dirty = true;
      L.Util.requestAnimFrame(function () {
        if (self.dirty && self._map && !self._map._animatingZoom) { self.redraw(); }
      });
    },

    /* Leaflet's canvas calls this after each pan or zoom (canvas resized). */
    _updatePaths: function () {
      if (this._postponeUpdatePaths) { return; }
      this.draw();
    },

    /* Clear the canvas and draw again, as it stands. */
    redraw: function () {
      if (!this._ctx) { return; }
      var ctx = this._ctx;
      ctx.save();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, this._container.width, this._container.height);
      ctx.restore();
      this.draw();
    },

    /* The areas of the level whose box meets the canvas, one Path2D per
       fill and outline width: all fills, then all outlines. */
    draw: function () {
      var v = this.level, map = this._map, gp = this.gp;
      this.dirty = false;
      this.drawn = [];
      if (!v || !map || !this._ctx || gp.building) { return; }
      var b = this._bounds, zoom = map.getZoom();
      var size = 256 * Math.pow(2, zoom), origin = map.getPixelOrigin();
      var nw = map.layerPointToLatLng(b.min), se = map.layerPointToLatLng(b.max);
      var w = nw.lng, n = nw.lat, e = se.lng, s = se.lat, bb = v.bb;
      var groups = {}, styles = {}, order = [], drawn = this.drawn;
      for (var i = 0, count = v.props.length; i < count; i++) {
        if (bb[4 * i] > e || bb[4 * i + 2] < w || bb[4 * i + 1] > n || bb[4 * i + 3] < s) {
          continue;
        }
        var style = gp.areaStyle(v, i, zoom, styles), key = style.key;
        var group = groups[key];
        if (!group) {
          group = groups[key] = { style: style, path: new Path2D() };
          order.push(group);
        }
        project(v, i);
        trace(group.path, v, i, size, origin.x, origin.y);
        drawn.push(i);
      }
      var ctx = this._ctx;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      order.forEach(function (g) {
        ctx.globalAlpha = g.style.fillOpacity;
        ctx.fillStyle = g.style.fill;
        ctx.fill(g.path, "evenodd");
      });
      ctx.globalAlpha = 1;
      order.forEach(function (g) {
        if (!g.style.weight) { return; }
        ctx.lineWidth = g.style.weight;
        ctx.strokeStyle = g.style.color;
        ctx.stroke(g.path);
      });
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

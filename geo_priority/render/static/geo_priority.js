/* geo-priority offline map: choropleth layers, legend, tooltips, labels and
 * method note (the ranked table and the search: geo_priority_table.js).
 * Every text from the data is inserted with textContent (never innerHTML),
 * so names such as "<img onerror=...>" stay text.
 * The page loads nothing from the network. */
(function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  /* Whole numbers with the language's digit grouping: 16.632 / 16,632. */
  function grouped(n, lang) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, lang === "en" ? "," : ".");
  }

  function GeoPriorityMap(map, data) {
    this.map = map;
    this.data = data;
    this.t = data.texts;
    this.variable = 0;
    this.selected = null;
    this.labelsOn = false;
    this.byId = {};
    this.build();
  }

  function decode(polygons, scale) {
    return polygons.map(function (rings) {
      return rings.map(function (ring) {
        var out = [], x = 0, y = 0;
        for (var i = 0; i < ring.length; i += 2) {
          x += ring[i];
          y += ring[i + 1];
          out.push([x / scale, y / scale]);
        }
        return out;
      });
    });
  }

  /* ---- geometry: flat integer arrays, decoded one area at a time -------- */

  /* A level's rings as two flat lists: the structure (per area its polygon
     count, per polygon its ring count, per ring its vertex count) and the
     delta-encoded coordinates (see display.pack_rings). */
  function flatten(rings) {
    var struct = [], coords = [];
    rings.forEach(function (area) {
      struct.push(area.length);
      area.forEach(function (polygon) {
        struct.push(polygon.length);
        polygon.forEach(function (ring) {
          struct.push(ring.length / 2);
          for (var k = 0; k < ring.length; k++) { coords.push(ring[k]); }
        });
      });
    });
    return { struct: Int32Array.from(struct), coords: Int32Array.from(coords) };
  }

  /* Where each area starts in the flat lists, and its bounding box
     (lon/lat of its outer rings), so that only areas in view are drawn. */
  function indexGeometry(v) {
    var n = v.props.length, s = v.struct, c = v.coords, q = v.scale;
    v.sAt = new Int32Array(n);
    v.cAt = new Int32Array(n);
    v.bb = new Float64Array(4 * n);
    v.size = new Float64Array(n);  /* root of the area of the outer rings, degrees */
    var si = 0, ci = 0;
    for (var i = 0; i < n; i++) {
      v.sAt[i] = si;
      v.cAt[i] = ci;
      var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity, twice = 0;
      for (var p = 0, np = s[si++]; p < np; p++) {
        for (var r = 0, nr = s[si++]; r < nr; r++) {
          var x = 0, y = 0, nv = s[si++], ring = 0;
          for (var k = 0; k < nv; k++) {
            var px = x, py = y;
            x += c[ci++];
            y += c[ci++];
            if (r === 0) {
              if (k > 0) { ring += px * y - x * py; }
              if (x < x0) { x0 = x; }
              if (x > x1) { x1 = x; }
              if (y < y0) { y0 = y; }
              if (y > y1) { y1 = y; }
            }
          }
          twice += Math.abs(ring);
        }
      }
      v.bb[4 * i] = x0 / q; v.bb[4 * i + 1] = y0 / q;
      v.bb[4 * i + 2] = x1 / q; v.bb[4 * i + 3] = y1 / q;
      v.size[i] = Math.sqrt(twice / 2) / q;
    }
  }

  /* One area's polygons, rings and points; point(lon, lat) makes each point. */
  function decodeRings(v, i, point) {
    var s = v.struct, c = v.coords, q = v.scale, si = v.sAt[i], ci = v.cAt[i];
    var polygons = [];
    for (var p = 0, np = s[si++]; p < np; p++) {
      var rings = [];
      for (var r = 0, nr = s[si++]; r < nr; r++) {
        var out = new Array(s[si]), x = 0, y = 0;
        for (var k = 0, nv = s[si++]; k < nv; k++) {
          x += c[ci++];
          y += c[ci++];
          out[k] = point(x / q, y / q);
        }
        rings.push(out);
      }
      polygons.push(rings);
    }
    return polygons;
  }

  /* One area's MultiPolygon coordinates ([lon, lat]), as GeoJSON has them. */
  function decodeArea(v, i) {
    return decodeRings(v, i, function (lon, lat) { return [lon, lat]; });
  }

  /* One area's rings as Leaflet LatLngs, for its layer. */
  function decodeLatLngs(v, i) {
    return decodeRings(v, i, function (lon, lat) { return new L.LatLng(lat, lon); });
  }

  /* Area i's label anchor [lat, lon]: Python's (``lp``), or computed from
     its drawn rings when first asked for (geo_priority_labels.js anchor)
     and kept as its ``lp``; null for an area with no ring. */
  function anchorOf(v, i) {
    var p = v.props[i];
    if (!p.lp) {
      var at = window.GeoPriorityLabels.anchor(decodeArea(v, i));
      if (!at) { return null; }
      p.lp = at;
    }
    return p.lp;
  }

  /* A feature whose geometry is decoded when first asked for. */
  function lazyFeature(v, i) {
    var f = { type: "Feature", properties: v.props[i], index: i }, geometry = null;
    Object.defineProperty(f, "geometry", { enumerable: true, get: function () {
      if (!geometry) { geometry = { type: "MultiPolygon", coordinates: decodeArea(v, i) }; }
      return geometry;
    } });
    return f;
  }

  /* base64 text -> gunzipped bytes, by the browser's DecompressionStream
     (no library, no network). */
  function gunzip(base64) {
    var bin = atob(base64), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).arrayBuffer();
  }

  /* Zigzag varints (packing.varints) into integers. */
  function varints(buffer) {
    var bytes = new Uint8Array(buffer), n = 0, i;
    for (i = 0; i < bytes.length; i++) { if (bytes[i] < 128) { n++; } }
    var out = new Int32Array(n), value = 0, shift = 0, k = 0;
    for (i = 0; i < bytes.length; i++) {
      var b = bytes[i];
      value |= (b & 127) << shift;  /* values fit in 32 bits (int32 deltas) */
      if (b < 128) {
        out[k++] = (value >>> 1) ^ -(value & 1);
        value = 0;
        shift = 0;
      } else {
        shift += 7;
      }
    }
    return out;
  }

  /* A level-of-detail map's gzip'd geometry and area data, into each level. */
  function inflate(data) {
    var rings = gunzip(data.packed).then(function (buffer) {
      var ints = varints(buffer), at = 0;
      data.views.forEach(function (v) {
        var ns = ints[at], nc = ints[at + 1];
        at += 2;
        v.struct = ints.subarray(at, at + ns);
        at += ns;
        v.coords = ints.subarray(at, at + nc);
        at += nc;
      });
    });
    var props = gunzip(data.packed_props).then(function (buffer) {
      var all = JSON.parse(new TextDecoder("utf-8").decode(buffer));
      data.views.forEach(function (v, i) { v.props = all[i]; });
    });
    return Promise.all([rings, props]).then(function () {
      data.packed = null;
      data.packed_props = null;
    });
  }

  GeoPriorityMap.prototype.build = function () {
    var self = this;
    this.data.views.forEach(function (v, index) {
      if (v.rings) {
        var flat = flatten(v.rings);
        v.struct = flat.struct;
        v.coords = flat.coords;
      }
      indexGeometry(v);
      v.index = index;
      v.made = new Array(v.props.length);  /* Leaflet layers, made when first in view */
      v.shown = new Uint8Array(v.props.length);
      v.position = {};
      v.props.forEach(function (p, i) { v.position[p.id] = i; });
      v.areas = { type: "FeatureCollection", features: v.props.map(function (p, i) {
        return lazyFeature(v, i);
      }) };
      v.bbox = L.latLngBounds([v.bounds[1], v.bounds[0]], [v.bounds[3], v.bounds[2]]);
      /* One place for all ("Prov. Banten") tells no area apart: the table
         and search then leave it out (the tooltip still says it). */
      v.onePlace = v.props.every(function (p) { return p.place === v.props[0].place; });
    });
    /* Level of detail: the level shown follows the zoom until the user
       picks one in the level switch ("otomatis" brings it back). */
    this.auto = Boolean(this.data.lod);
    /* a level-of-detail map draws its areas on one canvas straight from
       the packed rings (geo_priority_canvas.js), not as Leaflet layers */
    this.onCanvas = this.auto && Boolean(window.GeoPriorityCanvas);
    this.hovered = -1;
    this.outlines = {};
    this.v = this.auto ? this.lodView(-Infinity) : this.data.views[0];
    this.labels = L.layerGroup();
    this.drawContext();
    /* areas are made and drawn once the view is fitted (not twice) */
    this.building = true;
    this.drawView();
    this.table = new window.GeoPriorityTable(this);
    this.addControls();
    this.table.build();
    this.buildMethod();
    this.showLayerName();
    this.resetView();
    this.building = false;
    if (!this.auto || !this.autoLevel()) { this.cull(); }
    if (this.onCanvas) { this.areaCanvas.redraw(); }
    if (this.auto) { this.showTitle(); }
    if (this.v.labels_default) { this.toggleLabels(true); }
    this.ready = true;
    this.map.on("zoomend", function () {
      if (!self.auto || !self.autoLevel()) { self.restyle(); }
    });
    this.map.on("moveend", function () { self.cull(); });
    this.map.on("zoomend moveend", function () { self.refreshLabels(); });
    /* a placement under way is for the view left */
    this.map.on("movestart zoomstart", function () {
      self.labelPlacement = null;
      self.labelsPending = false;
    });
  };

  /* The finest level whose areas are large enough on screen at ``zoom``
     (each level's min_zoom comes from its typical area size). */
  GeoPriorityMap.prototype.lodView = function (zoom) {
    var best = null;
    this.data.views.forEach(function (v) {
      var start = v.min_zoom === null ? -Infinity : v.min_zoom;
      var bestStart = best === null ? Infinity : best.min_zoom;
      if (best === null || (start <= zoom && start > bestStart) ||
          (start < bestStart && bestStart > zoom)) { best = v; }
    });
    return best;
  };

  /* "otomatis: kabupaten/kota" names the level the zoom chose. */
  GeoPriorityMap.prototype.showAutoLevel = function (v) {
    if (this.autoOption) { this.autoOption.textContent = this.data.lod_label + ": " + v.label; }
  };

  /* Switch to the level the zoom asks for; true when it switched. */
  GeoPriorityMap.prototype.autoLevel = function () {
    var v = this.lodView(this.map.getZoom());
    this.showAutoLevel(v);
    if (v === this.v) { return false; }
    this.setLevel(v.index, true);
    return true;
  };

  /* Neighbouring areas, faint and silent, for orientation only. */
  GeoPriorityMap.prototype.drawContext = function () {
    var c = this.data.context;
    if (!c) { return; }
    var shapes = c.rings.map(function (rings) {
      return { type: "Feature", properties: {},
               geometry: { type: "MultiPolygon", coordinates: decode(rings, c.scale) } };
    });
    /* Its own pane under the areas' pane (overlayPane, z-index 400), so it
       lies under every priority layer, SVG or canvas, at every level. */
    var pane = this.map.createPane("gpContext");
    pane.style.zIndex = 350;
    pane.style.pointerEvents = "none";
    this.contextFeatures = shapes;
    this.context = L.geoJSON({ type: "FeatureCollection", features: shapes }, {
      pane: "gpContext",
      renderer: L.svg({ pane: "gpContext" }),
      interactive: false,
      style: { fillColor: "#dfe3e8", fillOpacity: 1, color: "#b4bbc4", weight: 0.8 }
    }).addTo(this.map);
  };

  /* Draw the areas of the current view (admin level): only those whose
     bounding box meets the view (padded), each made into a Leaflet layer
     the first time it is in view. */
  GeoPriorityMap.prototype.drawView = function () {
    if (this.onCanvas) { this.drawOnCanvas(); return; }
    var canvas = this.v.areas.features.length > this.data.canvas_threshold;
    if (this.layer) {
      this.map.removeLayer(this.layer);
      this.data.views.forEach(function (v) { v.shown.fill(0); });
    }
    if (canvas && !this.canvasRenderer) {
      this.canvasRenderer = L.canvas({ padding: 0.3, tolerance: 2 });
    }
    if (!canvas && !this.svgRenderer) { this.svgRenderer = L.svg(); }
    this.renderer = canvas ? this.canvasRenderer : this.svgRenderer;
    this.byId = {};
    this.layer = L.featureGroup().addTo(this.map);
    this.bounds = this.v.bbox;
    if (!this.building) { this.cull(); }
  };

  /* ---- a level-of-detail map: one canvas, no layer per area ----------- */

  /* The level shown goes onto the canvas (made once, padded 15 % as the
     culling of Leaflet layers was); its hover and selection go with the
     level left. */
  GeoPriorityMap.prototype.drawOnCanvas = function () {
    if (!this.areaCanvas) {
      this.areaCanvas = new window.GeoPriorityCanvas.Layer(this, { padding: 0.15 });
      this.map.addLayer(this.areaCanvas);
    }
    this.byId = {};
    this.bounds = this.v.bbox;
    this.hovered = -1;
    this.outline("hover", -1);
    this.outline("selected", -1);
    this.hideTip();
    this.areaCanvas.setLevel(this.v);
  };

  /* Fill and outline of area i of level v at ``zoom`` on the canvas, the
     same as its Leaflet layer's (style): one object per fill and width. */
  GeoPriorityMap.prototype.areaStyle = function (v, i, zoom, seen) {
    var cls = v.props[i].c[this.variable], weight = this.weightAt(v, i, zoom);
    var key = cls + "|" + weight;
    if (!seen[key]) {
      seen[key] = { key: key, weight: weight, color: this.data.outline_colour,
                    fill: cls < 0 ? this.hatchPattern()
                      : this.colourOf({ properties: v.props[i] }, this.variable),
                    fillOpacity: cls < 0 ? 1 : 0.88 };
    }
    return seen[key];
  };

  /* A black outline ("hover", "selected") of area i over the canvas, as a
     single Leaflet polygon; i < 0 removes it. */
  GeoPriorityMap.prototype.outline = function (name, i, weight) {
    if (this.outlines[name]) { this.map.removeLayer(this.outlines[name]); }
    this.outlines[name] = null;
    if (i < 0) { return; }
    if (!this.outlineRenderer) {
      var pane = this.map.createPane("gpOutline");
      pane.style.zIndex = 450;  /* over the areas (400), under the labels */
      pane.style.pointerEvents = "none";
      this.outlineRenderer = L.svg({ pane: "gpOutline" });
    }
    this.outlines[name] = L.polygon(decodeLatLngs(this.v, i), {
      pane: "gpOutline", renderer: this.outlineRenderer, interactive: false,
      fill: false, color: "#000000", weight: weight, opacity: 1
    }).addTo(this.map);
  };

  /* The one area tooltip of the canvas: area i's, at ``latlng``. */
  GeoPriorityMap.prototype.showTip = function (i, latlng) {
    if (!this.areaTip) {
      this.areaTip = new AreaTooltip({ sticky: true, direction: "auto", className: "gp-tooltip",
                                      opacity: 1, pane: this.tipPane() });
    }
    var tip = this.areaTip;
    if (tip.gpArea !== i || tip.gpLevel !== this.v) {
      tip.setContent(this.tooltip(this.v.areas.features[i]));
      tip.gpArea = i;
      tip.gpLevel = this.v;
    }
    tip.setLatLng(latlng);
    if (!this.map.hasLayer(tip)) { this.map.openTooltip(tip); }
  };

  GeoPriorityMap.prototype.hideTip = function () {
    if (this.areaTip && this.map.hasLayer(this.areaTip)) { this.map.closeTooltip(this.areaTip); }
  };

  /* The mouse over area i of the canvas (-1: none): outlined in black, its
     tooltip following the mouse, as a hovered Leaflet layer is. */
  GeoPriorityMap.prototype.canvasHover = function (i, latlng) {
    if (i !== this.hovered) {
      this.hovered = i;
      this.outline("hover", i, 3);
      if (i < 0) {
        this.hideTip();
        return;
      }
    }
    if (i >= 0) { this.showTip(i, latlng); }
  };

  GeoPriorityMap.prototype.canvasClick = function (i) {
    this.select(this.v.props[i].id, false);
  };

  GeoPriorityMap.prototype.areaBounds = function (v, i) {
    var bb = v.bb;
    return L.latLngBounds([bb[4 * i + 1], bb[4 * i]], [bb[4 * i + 3], bb[4 * i + 2]]);
  };

  GeoPriorityMap.prototype.areaLayer = function (i) {
    var v = this.v, layer = v.made[i];
    if (!layer) {
      var f = v.areas.features[i];
      layer = L.polygon(decodeLatLngs(v, i),
                        L.extend({ renderer: this.renderer }, this.style(f)));
      layer.feature = f;
      v.made[i] = layer;
    }
    if (this.byId[layer.feature.properties.id] !== layer) { this.bind(layer.feature, layer); }
    return layer;
  };

  /* Add the areas that came into view, remove those that left it. */
  /* Up to CULL_BATCH areas are added at once; more (a zoom into thousands
     of desa) are added CULL_SLICE ms at a time, one slice per frame, those
     in view before those in the margin, so no frame stalls. The first draw
     is whole. ``pendingAdds`` is true while slices remain (on a
     level-of-detail map: while the canvas draws, geo_priority_canvas.js). */
  var CULL_BATCH = 400, CULL_SLICE = 25;

  function meets(bb, i, w, s, e, n) {
    return bb[4 * i] <= e && bb[4 * i + 2] >= w && bb[4 * i + 1] <= n && bb[4 * i + 3] >= s;
  }

  GeoPriorityMap.prototype.cull = function () {
    if (!this.layer) { return; }
    var v = this.v, bb = v.bb, seen = this.map.getBounds(), view = seen.pad(0.15);
    var w = view.getWest(), s = view.getSouth(), e = view.getEast(), n = view.getNorth();
    var sw = seen.getWest(), ss = seen.getSouth(), se = seen.getEast(), sn = seen.getNorth();
    var first = [], later = [];
    for (var i = 0; i < v.props.length; i++) {
      var inView = meets(bb, i, w, s, e, n);
      if (inView && !v.shown[i]) {
        (meets(bb, i, sw, ss, se, sn) ? first : later).push(i);
      } else if (!inView && v.shown[i]) {
        this.layer.removeLayer(v.made[i]);
        v.shown[i] = 0;
      }
    }
    var add = first.concat(later), self = this;
    var generation = this.cullGeneration = (this.cullGeneration || 0) + 1;
    if (!this.ready || add.length <= CULL_BATCH) {
      this.addAreas(add, 0, Infinity);
      this.pendingAdds = false;
      return;
    }
    var at = 0;
    function slice() {
      if (generation !== self.cullGeneration || v !== self.v) { return; }
      at = self.addAreas(add, at, performance.now() + CULL_SLICE);
      self.pendingAdds = at < add.length;
      if (self.pendingAdds) { requestAnimationFrame(slice); }
    }
    this.pendingAdds = true;
    slice();
  };

  /* Add the areas add[from..] until the clock passes ``until``; the next index. */
  GeoPriorityMap.prototype.addAreas = function (add, from, until) {
    var v = this.v, k = from;
    while (k < add.length) {
      var i = add[k++];
      if (!v.shown[i]) {
        var layer = this.areaLayer(i);
        layer.setStyle(this.style(layer.feature));
        this.layer.addLayer(layer);
        v.shown[i] = 1;
      }
      if ((k & 31) === 0 && performance.now() > until) { break; }
    }
    return k;
  };

  /* ``keepView``: a switch by zoom (level of detail) keeps the map where
     it is and the layer shown when the new level has it. */
  GeoPriorityMap.prototype.setLevel = function (index, keepView) {
    var before = this.v.layers[this.variable].label;
    this.v = this.data.views[index];
    this.showTitle();
    /* the hits of the search belong to the level left */
    if (this.table) { this.table.clearSearch(); }
    var same = this.v.layers.map(function (l) { return l.label; }).indexOf(before);
    this.variable = keepView && same >= 0 ? same : 0;
    this.selected = null;
    this.drawView();
    if (this.variableSelect) { this.fillVariables(); }
    this.renderLegend();
    if (!keepView) { this.resetView(); }
    if (keepView && !this.labelsChosen && this.labelsOn !== this.v.labels_default) {
      /* by zoom, names follow the level's default until the box is used */
      var box = document.getElementById("gp-labels");
      if (box) { box.checked = this.v.labels_default; }
      this.toggleLabels(this.v.labels_default);
    } else {
      this.refreshLabels();
    }
    /* by zoom, the table follows once the map is drawn (its own task) */
    var self = this, table = this.table;
    if (table && keepView) {
      clearTimeout(this.tableTimer);
      this.tableTimer = setTimeout(function () { table.setView(); }, 0);
    } else if (table) {
      table.setView();
    }
  };

  /* The page's title and subtitle are those of the level shown. */
  GeoPriorityMap.prototype.showTitle = function () {
    var title = document.getElementById("gp-title");
    var subtitle = document.getElementById("gp-subtitle");
    if (title && this.v.title) {
      title.textContent = this.v.title;
      document.title = this.v.title;
    }
    if (subtitle && this.v.title) {
      subtitle.textContent = this.v.subtitle || "";
      subtitle.hidden = !this.v.subtitle;
    }
  };

  GeoPriorityMap.prototype.resetView = function () {
    /* Fit the areas into the part of the map that the left-hand controls
       (search, layer choice, legend) leave free. */
    var box = this.map.getContainer(), left = 0;
    [".leaflet-top.leaflet-left", ".leaflet-bottom.leaflet-left"].forEach(function (sel) {
      var corner = box.querySelector(sel);
      if (corner) { left = Math.max(left, corner.offsetWidth); }
    });
    if (left > box.clientWidth * 0.45) { left = 16; }
    /* At the zoom that fits exactly (not rounded down to a quarter zoom,
       which left wide margins around Indonesia); zooming from there snaps
       to quarters again. */
    var map = this.map, snap = map.options.zoomSnap;
    map.options.zoomSnap = 0;
    try {
      map.fitBounds(this.bounds, { paddingTopLeft: [left + 12, 16],
                                   paddingBottomRight: [16, 16] });
    } finally {
      map.options.zoomSnap = snap;
    }
  };

  GeoPriorityMap.prototype.colourOf = function (f, variable) {
    var cls = f.properties.c[variable];
    var layer = this.v.layers[variable];
    if (cls < 0) { return this.data.suppressed_colour; }
    return cls > 0 ? layer.colours[cls - 1] : this.data.no_data_colour;
  };

  /* ---- hatch of areas hidden by small-cell suppression ----------------- */

  /* A hidden area is filled with white and dark-grey 45-degree lines (the
     static figure's hatch, data.hatch = [white, grey]), which no class colour
     can be taken for; opaque, so the basemap does not grey it. An SVG map
     refers to one <pattern> in a hidden <svg> of the page; a canvas map
     fills with a CanvasPattern. Swatches use data.suppressed_colour, the
     same hatch as a CSS gradient. */
  var HATCH_ID = "gp-hatch", SVG_NS = "http://www.w3.org/2000/svg";

  function svgNode(tag, attrs) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function svgHatch(light, dark) {
    if (!document.getElementById(HATCH_ID)) {
      var svg = svgNode("svg", { width: 0, height: 0, "aria-hidden": "true",
                                 style: "position:absolute" });
      var pattern = svgNode("pattern", { id: HATCH_ID, patternUnits: "userSpaceOnUse",
                                         width: 8, height: 8,
                                         patternTransform: "rotate(45)" });
      pattern.appendChild(svgNode("rect", { width: 8, height: 8, fill: light }));
      pattern.appendChild(svgNode("rect", { width: 3, height: 8, fill: dark }));
      var defs = svgNode("defs", {});
      defs.appendChild(pattern);
      svg.appendChild(defs);
      document.body.appendChild(svg);
    }
    return "url(#" + HATCH_ID + ")";
  }

  function canvasHatch(light, dark) {
    var tile = document.createElement("canvas");
    tile.width = 11;
    tile.height = 11;
    var c = tile.getContext("2d");
    c.fillStyle = light;
    c.fillRect(0, 0, 11, 11);
    c.strokeStyle = dark;
    c.lineWidth = 3;
    c.beginPath();
    [[0, 11, 11, 0], [-2, 2, 2, -2], [9, 13, 13, 9]].forEach(function (s) {
      c.moveTo(s[0], s[1]);
      c.lineTo(s[2], s[3]);
    });
    c.stroke();
    return c.createPattern(tile, "repeat");
  }

  /* The fill of an area: its class colour, or the hatch when hidden. */
  GeoPriorityMap.prototype.fillOf = function (f, variable) {
    if (!(f.properties.c[variable] < 0)) { return this.colourOf(f, variable); }
    var hatch = this.data.hatch || ["#ffffff", "#4d4d4d"];
    if (this.v.areas.features.length <= this.data.canvas_threshold) {
      return svgHatch(hatch[0], hatch[1]);
    }
    return this.hatchPattern();
  };

  GeoPriorityMap.prototype.hatchPattern = function () {
    var hatch = this.data.hatch || ["#ffffff", "#4d4d4d"];
    if (!this.canvasHatch) { this.canvasHatch = canvasHatch(hatch[0], hatch[1]); }
    return this.canvasHatch;
  };

  GeoPriorityMap.prototype.style = function (f) {
    var chosen = this.selected === f.properties.id;
    var weight = chosen ? 4 : this.outlineWeight(f);
    return {
      fillColor: this.fillOf(f, this.variable),
      fillOpacity: f.properties.c[this.variable] < 0 ? 1 : 0.88,
      color: chosen ? "#000000" : this.data.outline_colour,
      weight: weight,
      stroke: weight > 0,
      opacity: 1
    };
  };

  /* Outlines by the area's size on screen (the root of its area, so a
     scatter of small islands counts as small): none under OUTLINE_MIN
     pixels (they would cover the colour), thin under OUTLINE_FULL, then full. */
  var OUTLINE_MIN = 6, OUTLINE_FULL = 30;

  GeoPriorityMap.prototype.outlineWeight = function (f) {
    var v = this.v, i = f.index;
    if (i === undefined || !v.size || !this.map._loaded) { return v.outline_weight; }
    return this.weightAt(v, i, this.map.getZoom());
  };

  GeoPriorityMap.prototype.weightAt = function (v, i, zoom) {
    var full = v.outline_weight, size = v.size[i] * 256 * Math.pow(2, zoom) / 360;
    if (size < OUTLINE_MIN) { return 0; }
    return size < OUTLINE_FULL ? Math.min(full, 0.35) : full;
  };

  GeoPriorityMap.prototype.tooltip = function (f) {
    var p = f.properties, t = this.t, box = el("div", "gp-tip");
    box.appendChild(el("div", "gp-tip-title", p.name));
    if (p.place) { box.appendChild(el("div", "gp-tip-place", p.place)); }
    var table = el("table");
    function row(label, value) {
      var tr = el("tr");
      tr.appendChild(el("th", null, label));
      tr.appendChild(el("td", null, value));
      table.appendChild(tr);
    }
    row(t.code, p.id);
    row(t.score, p.f[0]);
    /* a score from fewer components (scoring.missing = "reweight") */
    if (p.sb) { row(this.data.score_basis_label, p.sb); }
    row(t.rank, p.f[1]);
    if (p.rb && p.rb.line) {
      /* "Peringkat median 3 (rentang 2–5 dalam 90% skenario); ..." wraps */
      row(t.robust_row, p.rb.line);
      table.lastChild.lastChild.className = "gp-tip-wrap gp-tip-robust";
    }
    row(t["class"], p.f[2]);
    for (var i = 1; i < this.v.layers.length; i++) {
      row(this.v.layers[i].label, p.f[i + 2]);
    }
    box.appendChild(table);
    return box;
  };

  /* ---- tooltips that never sit under a control ------------------------ */

  /* The area tooltip lives in a pane above the controls (see the CSS) and
     is placed in container pixels, then moved into the nearest free spot
     when its box would meet a control's box (search, layers, legend, zoom). */
  var TIP_GAP = 6;

  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  function boxAt(x, y, w, h) { return { left: x, top: y, right: x + w, bottom: y + h }; }

  function controlBoxes(map) {
    var origin = map.getContainer().getBoundingClientRect();
    var nodes = map.getContainer().querySelectorAll(".leaflet-control");
    var boxes = [];
    for (var i = 0; i < nodes.length; i++) {
      var r = nodes[i].getBoundingClientRect();
      if (r.width > 0 && r.height > 0) {
        boxes.push({ left: r.left - origin.left - TIP_GAP, top: r.top - origin.top - TIP_GAP,
                     right: r.right - origin.left + TIP_GAP,
                     bottom: r.bottom - origin.top + TIP_GAP });
      }
    }
    return boxes;
  }

  /* The free top-left corner nearest to (x, y) for a w x h box, or null. */
  function freeSpot(x, y, w, h, boxes, size) {
    var xs = [x], ys = [y], best = null, bestCost = Infinity;
    boxes.forEach(function (b) {
      xs.push(b.right, b.left - w);
      ys.push(b.bottom, b.top - h);
    });
    xs.forEach(function (cx) {
      ys.forEach(function (cy) {
        var box = boxAt(cx, cy, w, h);
        var inside = cx >= 0 && cy >= 0 && box.right <= size.x && box.bottom <= size.y;
        var cost = Math.abs(cx - x) + Math.abs(cy - y);
        if (inside && cost < bestCost &&
            !boxes.some(function (b) { return overlaps(box, b); })) {
          best = L.point(cx, cy);
          bestCost = cost;
        }
      });
    });
    return best;
  }

  var AreaTooltip = L.Tooltip.extend({
    _setPosition: function (pos) {
      L.Tooltip.prototype._setPosition.call(this, pos);
      var map = this._map, node = this._container;
      var at = map.layerPointToContainerPoint(L.DomUtil.getPosition(node));
      var w = node.offsetWidth, h = node.offsetHeight;
      var style = window.getComputedStyle(node);
      var x = at.x + (parseFloat(style.marginLeft) || 0);
      var y = at.y + (parseFloat(style.marginTop) || 0);
      var boxes = controlBoxes(map);
      var here = boxAt(x, y, w, h);
      var blocked = boxes.some(function (b) { return overlaps(here, b); });
      var size = map.getSize();
      var spot = blocked ? freeSpot(x, y, w, h, boxes, size) : null;
      if (!spot && (x < 0 || y < 0 || x + w > size.x || y + h > size.y)) {
        /* nowhere clear of every control: at least keep it on the map */
        spot = L.point(Math.max(0, Math.min(x, size.x - w)), Math.max(0, Math.min(y, size.y - h)));
      }
      node.classList.toggle("gp-tip-moved", spot !== null);
      if (spot) { at = at.add(spot.subtract(L.point(x, y))); }
      L.DomUtil.setPosition(node, at);
    },
    _animateZoom: function () {}
  });

  GeoPriorityMap.prototype.tipPane = function () {
    if (!this.map.getPane("gpTips")) {
      this.map.createPane("gpTips", this.map.getContainer());
      var self = this;
      /* One area tooltip at a time: hovering another area closes the one
         a table click or search opened, so two never lie on each other. */
      this.map.on("tooltipopen", function (e) {
        if (!(e.tooltip instanceof AreaTooltip)) { return; }
        var before = self.openTip;
        self.openTip = e.tooltip;
        if (before && before !== e.tooltip && before._source) { before._source.closeTooltip(); }
      });
      this.map.on("tooltipclose", function (e) {
        if (self.openTip === e.tooltip) { self.openTip = null; }
      });
      /* A tooltip left open (table click, search) follows its area when
         the map moves, and is placed again so it stays clear of controls. */
      this.map.on("move zoomend moveend resize", function () {
        if (self.openTip) { self.openTip.update(); }
      });
    }
    return "gpTips";
  };

  GeoPriorityMap.prototype.bind = function (f, layer) {
    var self = this;
    this.byId[f.properties.id] = layer;
    var tip = new AreaTooltip({ sticky: true, direction: "auto", className: "gp-tooltip",
                                opacity: 1, pane: this.tipPane() });
    layer.bindTooltip(tip.setContent(function () { return self.tooltip(f); }));
    layer.on("mouseover", function () {
      layer.setStyle({ weight: 3, color: "#000000" });
      if (!canvasLayer(layer)) { layer.bringToFront(); }
    });
    layer.on("mouseout", function () { layer.setStyle(self.style(f)); });
    layer.on("click", function () { self.select(f.properties.id, false); });
  };

  function canvasLayer(layer) {
    return layer.options.renderer instanceof L.Canvas;
  }

  GeoPriorityMap.prototype.restyle = function () {
    var self = this;
    if (this.onCanvas) {
      this.areaCanvas.requestDraw();
      return;
    }
    this.layer.eachLayer(function (l) { l.setStyle(self.style(l.feature)); });
  };

  GeoPriorityMap.prototype.setVariable = function (index) {
    this.variable = index;
    this.showLayerName();
    this.restyle();
    this.renderLegend();
  };

  GeoPriorityMap.prototype.select = function (id, zoom) {
    var at = this.v.position ? this.v.position[id] : undefined;
    if (this.onCanvas) {
      if (at !== undefined) { this.selectOnCanvas(id, at, zoom); }
      return;
    }
    var layer = this.byId[id] || (at === undefined ? null : this.areaLayer(at));
    if (!layer) { return; }
    this.selected = id;
    this.restyle();
    if (!canvasLayer(layer)) { layer.bringToFront(); }
    if (zoom) {
      this.map.fitBounds(layer.getBounds(), { padding: [60, 60], maxZoom: this.maxZoomHere() });
      this.cull();
    }
    layer.openTooltip(layer.getBounds().getCenter());
    if (this.table) { this.table.markSelected(id); }
  };

  /* The selected area of the canvas: outlined thick and black, its tooltip
     open at its centre, its row marked; ``zoom`` fits the map to it. */
  GeoPriorityMap.prototype.selectOnCanvas = function (id, i, zoom) {
    var bounds = this.areaBounds(this.v, i);
    this.selected = id;
    this.outline("selected", i, 4);
    if (zoom) {
      this.map.fitBounds(bounds, { padding: [60, 60], maxZoom: this.maxZoomHere() });
    }
    this.showTip(i, bounds.getCenter());
    if (this.table) { this.table.markSelected(id); }
  };

  /* ---- controls ------------------------------------------------------- */

  GeoPriorityMap.prototype.control = function (position, build) {
    var Ctl = L.Control.extend({
      options: { position: position },
      onAdd: function () {
        var box = build();
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
      }
    });
    new Ctl().addTo(this.map);
  };

  GeoPriorityMap.prototype.addControls = function () {
    var self = this;
    this.control("topleft", function () { return self.resetButton(); });
    this.control("topleft", function () { return self.table.searchBox(); });
    this.control("topleft", function () { return self.viewBox(); });
    this.control("bottomleft", function () {
      self.legend = el("div", "gp-legend leaflet-bar");
      self.renderLegend();
      return self.legend;
    });
  };

  GeoPriorityMap.prototype.resetButton = function () {
    var self = this, box = el("div", "leaflet-bar gp-reset");
    var a = el("a", null, "\u27F2");
    a.href = "#";
    a.title = this.t.reset;
    a.setAttribute("role", "button");
    a.setAttribute("aria-label", this.t.reset);
    a.addEventListener("click", function (e) {
      e.preventDefault();
      self.reset();
    });
    box.appendChild(a);
    return box;
  };

  /* Back to the first view: no highlighted area or row, no search text. */
  GeoPriorityMap.prototype.reset = function () {
    this.selected = null;
    if (this.onCanvas) {
      this.outline("selected", -1);
      this.hideTip();
    } else {
      this.restyle();
      this.layer.eachLayer(function (l) { l.closeTooltip(); });
    }
    if (this.table) { this.table.reset(); }
    this.resetView();
  };

  GeoPriorityMap.prototype.viewBox = function () {
    var self = this, box = el("div", "gp-view leaflet-bar");
    if (this.data.views.length > 1) {
      var levelLabel = el("label", "gp-box-title", this.t.level);
      levelLabel.htmlFor = "gp-level";
      box.appendChild(levelLabel);
      var levels = el("select");
      levels.id = "gp-level";
      this.levelSelect = levels;
      if (this.data.lod) {
        this.autoOption = el("option", null, this.data.lod_label);
        this.autoOption.value = "auto";
        levels.appendChild(this.autoOption);
      }
      this.data.views.forEach(function (v, i) {
        var option = el("option", null, v.label);
        option.value = String(i);
        levels.appendChild(option);
      });
      if (this.auto) { levels.value = "auto"; }
      levels.addEventListener("change", function () {
        /* a chosen level stays, whatever the zoom; "otomatis" follows it */
        self.auto = levels.value === "auto";
        if (self.auto) { self.autoLevel(); } else { self.setLevel(parseInt(levels.value, 10)); }
      });
      box.appendChild(levels);
    }
    var label = el("label", "gp-box-title", this.t.show);
    label.htmlFor = "gp-variable";
    box.appendChild(label);
    this.variableSelect = el("select");
    this.variableSelect.id = "gp-variable";
    this.variableSelect.addEventListener("change", function () {
      self.setVariable(parseInt(self.variableSelect.value, 10));
    });
    box.appendChild(this.variableSelect);
    this.layerName = el("div", "gp-layer-name");
    this.layerName.hidden = true;
    box.appendChild(this.layerName);
    this.fillVariables();
    var lab = el("label", "gp-check");
    var cb = el("input");
    cb.type = "checkbox";
    cb.id = "gp-labels";
    cb.addEventListener("change", function () {
      self.labelsChosen = true;
      self.toggleLabels(cb.checked);
    });
    cb.checked = this.v.labels_default;
    lab.appendChild(cb);
    lab.appendChild(document.createTextNode(" " + this.t.labels));
    box.appendChild(lab);
    return box;
  };

  GeoPriorityMap.prototype.fillVariables = function () {
    var select = this.variableSelect;
    select.textContent = "";
    this.v.layers.forEach(function (layer, i) {
      var option = el("option", null, layer.label);
      option.value = String(i);
      option.title = layer.label;
      select.appendChild(option);
    });
    select.value = String(this.variable);
    this.showLayerName();
  };

  /* A closed list shows only what fits its width: a longer layer name is
     also written out in full, wrapped, under the list. */
  GeoPriorityMap.prototype.showLayerName = function () {
    var select = this.variableSelect, box = this.layerName;
    if (!select || !box) { return; }
    var name = this.v.layers[this.variable].label;
    select.title = name;
    box.textContent = name;
    if (!select.isConnected) { return; }
    var style = getComputedStyle(select);
    var probe = el("span", null, name);
    probe.style.font = style.font;
    probe.style.whiteSpace = "pre";
    probe.style.position = "absolute";
    probe.style.visibility = "hidden";
    document.body.appendChild(probe);
    var need = probe.getBoundingClientRect().width;
    probe.remove();
    var room = select.clientWidth - parseFloat(style.paddingLeft) -
               parseFloat(style.paddingRight) - 20;  /* the list's arrow */
    box.hidden = need <= room;
  };

  GeoPriorityMap.prototype.renderLegend = function () {
    var layer = this.v.layers[this.variable], box = this.legend;
    var lang = this.data.lang;
    if (!box) { return; }
    box.textContent = "";
    box.appendChild(el("div", "gp-box-title", layer.title));
    layer.labels.forEach(function (label, i) {
      var row = el("div", "gp-legend-row");
      var sw = el("span", "gp-swatch");
      sw.style.background = layer.colours[i];
      row.appendChild(sw);
      row.appendChild(el("span", null, label));
      row.appendChild(el("span", "gp-count", "(" + grouped(layer.counts[i], lang) + ")"));
      box.appendChild(row);
    });
    if (layer.no_data > 0) {
      var row = el("div", "gp-legend-row");
      var sw = el("span", "gp-swatch");
      sw.style.background = this.data.no_data_colour;
      row.appendChild(sw);
      row.appendChild(el("span", null, this.t.no_data));
      row.appendChild(el("span", "gp-count", "(" + grouped(layer.no_data, this.data.lang) + ")"));
      box.appendChild(row);
    }
    if (layer.suppressed > 0) {
      var hidden = el("div", "gp-legend-row");
      var swatch = el("span", "gp-swatch");
      swatch.style.background = this.data.suppressed_colour;
      hidden.appendChild(swatch);
      hidden.appendChild(el("span", null, this.data.suppressed_label));
      hidden.appendChild(el("span", "gp-count", "(" + grouped(layer.suppressed, this.data.lang) + ")"));
      box.appendChild(hidden);
    }
    if (layer.note) { box.appendChild(el("div", "gp-note", layer.note)); }
  };

  /* ---- labels --------------------------------------------------------- */

  GeoPriorityMap.prototype.toggleLabels = function (on) {
    this.labelsOn = on;
    if (on) { this.labels.addTo(this.map); } else { this.map.removeLayer(this.labels); }
    this.refreshLabels();
  };

  /* Leader lines of labels set beside their area: above the areas, under
     the labels, never catching the mouse. */
  GeoPriorityMap.prototype.leaderPane = function () {
    if (!this.map.getPane("gpLeaders")) {
      var pane = this.map.createPane("gpLeaders");
      pane.style.zIndex = 640;
      pane.style.pointerEvents = "none";
    }
    return "gpLeaders";
  };

  var LABEL_ROOM = 28, LABEL_SLICE = 10;

  /* The names of the areas in view placed again (``labelsPending`` while a
     placement is under way). */
  GeoPriorityMap.prototype.refreshLabels = function () {
    this.labelPlacement = null;
    this.labelsPending = false;
    if (!this.labelsOn) { return; }
    var view = this.map.getBounds(), shown = [], v = this.v, bb = v.bb;
    /* an area under LABEL_ROOM pixels across holds no name (and measuring
       thousands of desa names would stall the map): left out */
    var px = 256 * Math.pow(2, this.map.getZoom()) / 360, many = v.props.length > 300;
    var west = view.getWest(), south = view.getSouth(), east = view.getEast();
    var north = view.getNorth();
    this.v.areas.features.forEach(function (f, i) {
      if (many && Math.min(bb[4 * i + 2] - bb[4 * i], bb[4 * i + 3] - bb[4 * i + 1]) * px <
          LABEL_ROOM) { return; }
      var p = f.properties.lp;
      if (p) {
        if (view.contains([p[0], p[1]])) { shown.push(f); }
      } else if (bb[4 * i] <= east && bb[4 * i + 2] >= west && bb[4 * i + 1] <= north &&
                 bb[4 * i + 3] >= south) {
        /* no anchor from Python (a layer of many areas): its box meets
           the view, so its anchor may be in it; the placement computes
           it (inside the drawn rings, so inside the box) when it comes to
           the area, and leaves the area out if it is not in view */
        shown.push(f);
      }
    });
    shown.sort(function (a, b) { return (a.properties.r || 1e9) - (b.properties.r || 1e9); });
    var anchor = function (f) { return anchorOf(v, f.index); };
    if (this.data.labels_all) {
      this.labels.clearLayers();
      this.labelEveryTile(shown.filter(function (f) {
        var p = anchor(f);
        return p && view.contains([p[0], p[1]]);
      }));
      return;
    }
    /* Highest priority first; each name inside its own area and clear of
       the others, or (few areas) beside it with a leader line. */
    var placement = new window.GeoPriorityLabels.Placement(this.map, shown, {
      obstacles: controlBoxes(this.map),
      max: this.data.max_labels,
      callouts: this.v.labels_default,
      context: this.context ? this.contextFeatures : [],
      anchor: anchor
    });
    if (!this.onCanvas) {
      this.showLabels(placement.step(Infinity));
      return;
    }
    /* a level-of-detail map places them LABEL_SLICE ms a frame (the
       provinces' callouts take a few hundred ms); the names shown stay
       until the new ones are placed, but not across a zoom */
    var self = this, zoom = this.map.getZoom();
    if (this.labelZoom !== zoom) { this.labels.clearLayers(); }
    this.labelZoom = zoom;
    this.labelPlacement = placement;
    this.labelsPending = true;
    requestAnimationFrame(function step() {
      if (self.labelPlacement !== placement) { return; }
      var placed = placement.step(performance.now() + LABEL_SLICE);
      if (!placed) {
        requestAnimationFrame(step);
        return;
      }
      self.labelPlacement = null;
      self.labelsPending = false;
      self.showLabels(placed);
    });
  };

  /* Labels placed (GeoPriorityLabels.Placement) onto the map, instead of
     those shown. */
  GeoPriorityMap.prototype.showLabels = function (placed) {
    this.labels.clearLayers();
    var map = this.map, group = this.labels, pane = this.leaderPane();
    placed.forEach(function (p) {
      var centre = L.point((p.box.left + p.box.right) / 2, (p.box.top + p.box.bottom) / 2);
      var tip = L.tooltip({ permanent: true, direction: "center", className: "gp-label",
                            interactive: false })
        .setLatLng(map.containerPointToLatLng(centre))
        .setContent(window.GeoPriorityLabels.content(p.variant));
      group.addLayer(tip);
      var node = tip.getElement();
      if (node) {
        node.dataset.id = p.feature.properties.id;
        node.classList.toggle("gp-label-leader", p.anchor !== null);
      }
      if (p.anchor) {
        var from = map.containerPointToLatLng(L.point(p.anchor[0], p.anchor[1]));
        var to = map.containerPointToLatLng(L.point(p.end[0], p.end[1]));
        group.addLayer(L.polyline([from, to], { pane: pane, interactive: false,
                                                color: "#1f1f1f", weight: 1.4, opacity: 1 }));
        group.addLayer(L.circleMarker(from, { pane: pane, interactive: false, radius: 2.5,
                                              stroke: false, fillColor: "#1f1f1f",
                                              fillOpacity: 1 }));
      }
    });
  };

  /* A schematic tile map names every tile, on two short lines
     ("Kota" / "Tangerang Selatan"), overlaps allowed. */
  GeoPriorityMap.prototype.labelEveryTile = function (shown) {
    var group = this.labels;
    shown.forEach(function (f) {
      var name = f.properties.name.replace(/^Kabupaten /, "Kab. ");
      var text = el("span");
      var cut = name.indexOf(" ");
      text.appendChild(document.createTextNode(cut > 0 ? name.slice(0, cut) : name));
      if (cut > 0) {
        text.appendChild(document.createElement("br"));
        text.appendChild(document.createTextNode(name.slice(cut + 1)));
      }
      group.addLayer(L.tooltip({ permanent: true, direction: "center", className: "gp-label",
                                 interactive: false })
        .setLatLng(f.properties.lp).setContent(text));
    });
  };

  /* ---- method note ---------------------------------------------------- */

  GeoPriorityMap.prototype.buildMethod = function () {
    var box = document.getElementById("gp-method");
    var button = document.getElementById("gp-method-button");
    if (!box || !button) { return; }
    var m = this.data.method;
    box.appendChild(el("h2", null, this.t.method_title));
    m.lines.forEach(function (line) { box.appendChild(el("p", null, line)); });
    var list = el("ul");
    m.indicators.forEach(function (line) { list.appendChild(el("li", null, line)); });
    box.appendChild(list);
    box.appendChild(el("h3", null, this.t.sources));
    var src = el("ul");
    m.sources.forEach(function (line) { src.appendChild(el("li", null, line)); });
    box.appendChild(src);
    box.appendChild(el("p", "gp-stamp", m.stamp));
    var close = el("button", "gp-button", this.t.close);
    close.type = "button";
    close.addEventListener("click", function () { box.hidden = true; });
    box.appendChild(close);
    button.addEventListener("click", function () { box.hidden = !box.hidden; });
  };

  /* Zooming to an area keeps its level when the level follows the zoom. */
  GeoPriorityMap.prototype.maxZoomHere = function () {
    var v = this.v, next = Infinity;
    if (!this.auto) { return 14; }
    this.data.views.forEach(function (w) {
      if (w.min_zoom !== null && w.min_zoom > v.min_zoom) { next = Math.min(next, w.min_zoom); }
    });
    return Math.min(14, next - 0.25);
  };

  /* Label anchor [lat, lon] of area i of the level shown (see anchorOf). */
  GeoPriorityMap.prototype.anchor = function (i) { return anchorOf(this.v, i); };

  GeoPriorityMap.prototype.drawnCount = function () {
    if (this.onCanvas) { return this.areaCanvas.drawn.length; }
    var n = 0;
    this.layer.eachLayer(function (l) { if (l._parts && l._parts.length) { n += 1; } });
    return n;
  };

  /* Ready once built; "drawn" after the first frame painted it (the
     canvas renderer draws in an animation frame, the areas' canvas in
     several): the benchmark's mark. */
  function start(map, data) {
    var gp = window.geoPriority = new GeoPriorityMap(map, data);
    window.geoPriorityReadyAt = performance.now();
    document.body.setAttribute("data-gp-ready", "1");
    function drawn(callback) {
      if (gp.onCanvas) { gp.areaCanvas.whenDrawn(callback); } else { requestAnimationFrame(callback); }
    }
    drawn(function () {
      requestAnimationFrame(function () {
        window.geoPriorityDrawnAt = performance.now();
        if (performance.mark) { performance.mark("gp-first-draw"); }
        document.body.setAttribute("data-gp-drawn", "1");
        /* the level switches by zoom: each level's table and projected
           rings are made ready meanwhile, in idle time */
        if (data.lod && gp.table) {
          gp.table.warmUp(function (v) {
            return gp.onCanvas ? [function (until) {
              return window.GeoPriorityCanvas.projectStep(v, until);
            }] : [];
          });
        }
      });
    });
    return window.geoPriority;
  }

  window.geoPriorityInit = function (map, data) {
    if (!data.packed) { return start(map, data); }
    return inflate(data).then(function () { return start(map, data); });
  };
})();

/* geo-priority offline map: the search over a level's areas and the map's
 * search box (the ranked table's filter uses the same search).
 *
 * Accent- and case-insensitive; every word of the query is found anywhere in
 * the name or the place ("Tamanjaya Sumur" finds Tamanjaya in Kec. Sumur),
 * or the query starts the area's code. Hits whose name starts with the query
 * come first, then those with a word starting with it, then the rest; each
 * group by rank. The map's box lists the level shown first, then the other
 * levels' areas (with their level), so a desa is found at national zoom.
 * Every text from the data is inserted with textContent. */
(function () {
  "use strict";

  /* Hits listed under the map's search box. */
  var MAX_HITS = 8;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function norm(text) {
    return String(text).toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/\b(kabupaten|kab\.?|kota|kecamatan|kec\.?|desa|kelurahan|kel\.?)\s+/g, "")
      .replace(/\s+/g, " ").trim();
  }

  function words(text) {
    return text.replace(/[,.;()\/'\u2019-]/g, " ").split(" ").filter(Boolean);
  }

  /* 83402 -> "83.402" (Indonesian) or "83,402" (English). */
  function grouped(n, lang) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, lang === "en" ? "," : ".");
  }

  /* A name with its place under it, smaller ("Kec. Sumur, Kab. Pandeglang"),
     so two areas of one name are told apart. */
  function nameWithPlace(tag, p, extra, samePlace) {
    var node = el(tag, "gp-named");
    node.appendChild(el("span", "gp-name", p.name));
    var place = [samePlace ? "" : p.place, extra].filter(Boolean).join(" \u00b7 ");
    if (place) { node.appendChild(placeLine(place)); }
    node.title = place ? p.name + " \u2014 " + place : p.name;
    return node;
  }

  /* "Kec. Sumur, Kab. Pandeglang" as parts that each stay on one line, so
     a place too long for its line breaks after the comma, not inside a name. */
  function placeLine(place) {
    var line = el("span", "gp-place");
    place.split(", ").forEach(function (part, k, parts) {
      line.appendChild(el("span", "gp-place-part", part + (k < parts.length - 1 ? "," : "")));
      if (k < parts.length - 1) { line.appendChild(document.createTextNode(" ")); }
    });
    return line;
  }

  /* ---- the search index of one level ------------------------------------ */

  /* One entry per area: its properties, the normalised name and words to
     search, and its province and kab/kota keys. */
  function entry(p, i) {
    var digits = String(p.id).replace(/\D/g, "");
    var name = norm(p.name);
    return { p: p, i: i, name: name, id: String(p.id).toLowerCase(),
             hay: " " + words(name + " " + norm(p.place || "")).join(" "),
             prov: digits.slice(0, 2), kab: digits.slice(0, 4) };
  }

  /* A level's index, built once: whole when first needed, unless
     levelIndexStep built it ahead, a slice at a time. */
  function levelIndex(v) {
    levelIndexStep(v, Infinity);
    return v.gpIndex;
  }

  /* Go on building level v's index until performance.now() passes
     ``until`` (83,402 desa take most of a second); true once it is built. */
  function levelIndexStep(v, until) {
    if (v.gpIndex) { return true; }
    var built = v.gpEntries || (v.gpEntries = []), n = v.props.length;
    while (built.length < n) {
      built.push(entry(v.props[built.length], built.length));
      if ((built.length & 255) === 0 && performance.now() > until) { return false; }
    }
    onePlace(v);
    v.gpIndex = { entries: built, sorted: {} };
    v.gpEntries = null;
    return true;
  }

  /* One place for all ("Prov. Banten") tells no area apart: the table and
     the search then leave it out. */
  function onePlace(v) {
    if (v.onePlace === undefined) {
      v.onePlace = v.props.every(function (p) { return p.place === v.props[0].place; });
    }
    return v.onePlace;
  }

  /* Every word of the query is in the name or the place ("Tamanjaya Sumur"
     finds Tamanjaya in Kec. Sumur), or the query starts the area's code. */
  function matcher(query) {
    var q = norm(query), parts = words(q);
    if (!parts.length) { return null; }
    return function (e) {
      if (e.id.indexOf(q) === 0) { return true; }
      for (var k = 0; k < parts.length; k++) {
        if (e.hay.indexOf(parts[k]) < 0) { return false; }
      }
      return true;
    };
  }

  /* 0: the name starts with the query; 1: a word of it does; 2: elsewhere. */
  function closeness(query, e) {
    var q = words(norm(query)).join(" ");
    if (e.name.indexOf(q) === 0) { return 0; }
    return (" " + words(e.name).join(" ")).indexOf(" " + q) >= 0 ? 1 : 2;
  }

  function byRank(a, b) {
    var ra = a.p.r === null ? 1e12 : a.p.r, rb = b.p.r === null ? 1e12 : b.p.r;
    return ra - rb || (a.name < b.name ? -1 : (a.name > b.name ? 1 : 0));
  }

  /* The hits of ``query`` among a level's areas, closest first, then by rank. */
  function searchLevel(v, query) {
    var test = matcher(query);
    if (!test) { return []; }
    var hits = levelIndex(v).entries.filter(test);
    var near = {};
    hits.forEach(function (e) { near[e.i] = closeness(query, e); });
    return hits.sort(function (a, b) { return near[a.i] - near[b.i] || byRank(a, b); });
  }

  /* ---- the map's search box --------------------------------------------- */

  /* The hits of the level shown, then those of the other levels (a desa
     while the map shows kab/kota by zoom), so every area can be found. */
  function searchAll(gp, query) {
    var hits = searchLevel(gp.v, query).map(function (e) { return { e: e, v: gp.v }; });
    gp.data.views.forEach(function (v) {
      if (v === gp.v) { return; }
      searchLevel(v, query).forEach(function (e) { hits.push({ e: e, v: v }); });
    });
    return hits;
  }

  /* Show a hit: an area of another level switches the map to that level,
     which then stays, as one chosen in the level switch does. */
  function showHit(gp, v, id) {
    if (v !== gp.v) {
      var index = gp.data.views.indexOf(v);
      gp.auto = false;
      if (gp.levelSelect) { gp.levelSelect.value = String(index); }
      gp.setLevel(index);
    }
    gp.select(id, true);
  }

  /* The box with its list of hits; ``clear`` empties both. */
  function searchBox(gp) {
    var t = gp.t, lang = gp.data.lang, box = el("div", "gp-search leaflet-bar");
    var input = el("input");
    input.type = "search";
    input.placeholder = t.search;
    input.setAttribute("aria-label", t.search);
    var list = el("ul", "gp-search-results");
    input.addEventListener("input", function () {
      list.textContent = "";
      if (norm(input.value).length < 2) { return; }
      var hits = searchAll(gp, input.value);
      hits.slice(0, MAX_HITS).forEach(function (hit) {
        var p = hit.e.p, v = hit.v;
        var extra = v === gp.v ? p.id : p.id + " \u00b7 " + v.label;
        var li = nameWithPlace("li", p, extra, onePlace(v));
        li.dataset.id = p.id;
        li.dataset.level = String(gp.data.views.indexOf(v));
        li.addEventListener("click", function (ev) {
          /* The list is emptied below, so the map would take this click for
             one on the map itself and close the area's tooltip at once. */
          L.DomEvent.stopPropagation(ev);
          list.textContent = "";
          showHit(gp, v, p.id);
        });
        list.appendChild(li);
      });
      if (hits.length > MAX_HITS) {
        list.appendChild(el("li", "gp-muted gp-more",
          t.more_hits.replace("{n}", grouped(hits.length - MAX_HITS, lang))));
      }
      if (!hits.length) { list.appendChild(el("li", "gp-muted", t.not_found)); }
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && list.firstChild && list.firstChild.dataset.id) {
        list.firstChild.click();
      }
    });
    box.appendChild(input);
    box.appendChild(list);
    return { box: box, clear: function () {
      input.value = "";
      list.textContent = "";
    } };
  }

  window.GeoPrioritySearch = {
    el: el, norm: norm, grouped: grouped, nameWithPlace: nameWithPlace,
    levelIndex: levelIndex, levelIndexStep: levelIndexStep, onePlace: onePlace,
    matcher: matcher,
    search: searchLevel, searchBox: searchBox
  };
})();

/* The actor map page of "Vem gör vad": draws /vgv/api/map with vis-network (served
 * from this server), filters it, shows a clicked actor's details from /vgv/api/node and
 * talks to the app around it with postMessage (same origin only).
 *
 * Every text from the data is put in the page with textContent, never as HTML.
 */
"use strict";
(function () {
  const params = new URLSearchParams(location.search);
  const lang = params.get("lang") === "en" ? "en" : "sv";
  document.documentElement.lang = lang;
  const FILTERS = ["law", "group", "relation", "document"];
  let T = {};
  let network = null;
  let current = null;
  let pendingFocus = params.get("focus");
  let selectedId = null;

  const $ = (id) => document.getElementById(id);
  const pick = (o, key) => {
    key = key || "label";
    if (!o) return "";
    return (lang === "en" && o[key + "_en"]) ? o[key + "_en"] : (o[key] || "");
  };
  const fmt = (text, values) => String(text || "").replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "style") node.style.cssText = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  async function getJSON(url) {
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) throw new Error(url + ": " + response.status);
    return response.json();
  }

  function toParent(message) {
    if (window.parent && window.parent !== window) window.parent.postMessage(message, location.origin);
  }

  function passageLink(passage, text) {
    return el("a", {
      href: "#", class: "plink", "data-anchor": passage.anchor, title: passage.id || "",
      onclick: (ev) => { ev.preventDefault(); toParent({ type: "vgv-passage", anchor: passage.anchor }); },
    }, text || passage.id);
  }

  // --- filters ---------------------------------------------------------------------------

  function fillSelect(select, options, describe) {
    select.replaceChildren(el("option", { value: "" }, T.all || "Alla"));
    for (const option of options) select.append(el("option", { value: option.id }, describe(option)));
  }

  function query() {
    const q = new URLSearchParams();
    for (const name of FILTERS) {
      const value = $("f-" + name).value;
      if (value) q.set(name, value);
    }
    if ($("f-extracted").checked) q.set("extracted", "1");
    return q;
  }

  function legend(meta) {
    $("legend").replaceChildren(...meta.kinds.map((kind) =>
      el("li", { "data-kind": kind.id }, el("span", { class: "dot", style: "background:" + kind.colour }), pick(kind))));
    $("legend-relations").replaceChildren(...meta.relations.map((relation) =>
      el("li", { "data-relation": relation.id }, el("span", { class: "line", style: "background:" + relation.colour }), pick(relation))));
  }

  async function init() {
    const meta = await getJSON("api/map/filters?lang=" + lang);
    T = meta.texts;
    document.querySelectorAll("[data-t]").forEach((node) => { if (T[node.dataset.t]) node.textContent = T[node.dataset.t]; });
    const f = meta.filters;
    fillSelect($("f-law"), f.laws, (law) => pick(law) + (law.citation && !pick(law).includes(law.citation) ? " (" + law.citation + ")" : ""));
    fillSelect($("f-group"), f.groups, (group) => pick(group));
    fillSelect($("f-relation"), f.relations, (relation) => pick(relation));
    fillSelect($("f-document"), f.documents, (doc) => doc.id + " – " + pick(doc));
    for (const name of FILTERS) $("f-" + name).addEventListener("change", () => load());
    $("f-extracted").addEventListener("change", () => load());
    $("f-hide-extracted").addEventListener("change", () => current && draw(current));
    $("f-search").addEventListener("input", search);
    $("f-search").placeholder = T.search_placeholder || "";
    $("f-depth").addEventListener("change", () => fade(selectedId));
    $("reset").addEventListener("click", () => { clearFilters(); load(); });
    $("fit").addEventListener("click", () => network && network.fit({ animation: { duration: 300 } }));
    $("dl-png").addEventListener("click", downloadPNG);
    $("dl-svg").addEventListener("click", downloadSVG);
    legend(f);
    await load();
    toParent({ type: "vgv-map-ready" });
  }

  function clearFilters() {
    for (const name of FILTERS) $("f-" + name).value = "";
    $("f-extracted").checked = false;
    $("f-hide-extracted").checked = false;
    $("f-search").value = "";
  }

  async function load() {
    const q = query();
    $("status").textContent = T.loading || "…";
    current = await getJSON("api/map?" + q.toString());
    $("dl-graphml").href = "api/map.graphml?" + q.toString();
    draw(current);
  }

  // --- drawing -----------------------------------------------------------------------------

  function tooltip(lines) {
    const box = el("div", { class: "tip" });
    lines.filter(Boolean).forEach((line, i) => box.append(i === 0 ? el("b", {}, line) : el("div", {}, line)));
    return box;
  }

  // Actors are laid out by level, as coordinators read a stakeholder map: national,
  // regional, municipal, health care, civil society, academia, international; each level
  // a block of columns, so no two labels overlap at the default zoom.
  const LEVELS = ["StateActor", "RegionalActor", "MunicipalActor", "HealthCare", "CivilSociety", "Academia", "InternationalActor"];
  const COLUMN = 205, ROW = 62, PER_COLUMN = 12, LABEL_WIDTH = 175;

  function layout(nodes) {
    const byLevel = new Map();
    for (const n of nodes) {
      const level = LEVELS.indexOf(n.kind);
      const key = level < 0 ? LEVELS.length : level;
      if (!byLevel.has(key)) byLevel.set(key, []);
      byLevel.get(key).push(n);
    }
    const positions = {};
    let x = 0;
    for (const key of [...byLevel.keys()].sort((a, b) => a - b)) {
      const members = byLevel.get(key);
      members.forEach((n, i) => {
        positions[n.id] = { x: x + Math.floor(i / PER_COLUMN) * COLUMN, y: (i % PER_COLUMN) * ROW };
      });
      x += Math.ceil(members.length / PER_COLUMN) * COLUMN + 20;
    }
    return positions;
  }

  function radius(n) { return 9 + Math.min(n.duties, 12) * 0.8; }

  function nodeStyle(n, faded) {
    const colour = faded ? "rgba(203,213,225,0.5)" : n.colour;
    return {
      color: { background: colour, border: faded ? "rgba(148,163,184,0.5)" : (n.extracted ? "#9ca3af" : "#1f2328"),
               highlight: { background: n.colour, border: "#000000" }, hover: { background: n.colour, border: "#000000" } },
      font: { color: faded ? "rgba(87,96,106,0.35)" : "#1f2328", size: 15, strokeWidth: 3, strokeColor: "#ffffff" },
    };
  }

  function edgeStyle(edge, faded) {
    return {
      color: { color: edge.colour, highlight: edge.colour, hover: edge.colour, opacity: faded ? 0.08 : 0.85 },
      font: { size: 12, color: faded ? "rgba(87,96,106,0)" : "#3f4650", strokeWidth: 3, strokeColor: "#ffffff", align: "middle" },
    };
  }

  function shownEdges(data) {
    const hide = $("f-hide-extracted").checked;
    return data.edges.filter((edge) => !(hide && edge.extracted));
  }

  function draw(data) {
    const positions = layout(data.nodes);
    const nodes = data.nodes.map((n) => ({
      id: n.id,
      label: pick(n),
      shape: "dot",
      size: radius(n),
      x: positions[n.id].x,
      y: positions[n.id].y,
      borderWidth: n.extracted ? 1 : 1.5,
      shapeProperties: { borderDashes: n.extracted ? [4, 3] : false },
      widthConstraint: { maximum: LABEL_WIDTH },
      title: tooltip([pick(n), pick(n, "kind_label"), n.extracted ? T.extracted_node : null]),
      ...nodeStyle(n, false),
    }));
    const edges = shownEdges(data).map((edge) => ({
      id: edge.id,
      from: edge.from,
      to: edge.to,
      label: pick(edge, "relation_label"),
      arrows: edge.relation === "collaboratesWith" ? "" : { to: { enabled: true, scaleFactor: 0.6 } },
      dashes: edge.extracted ? [6, 4] : false,
      title: tooltip([pick(edge, "relation_label"), pick(edge, "statement"), edge.extracted ? T.extracted_node : null, edge.passage_id]),
      smooth: { enabled: true, type: "curvedCW", roundness: 0.12 },
      ...edgeStyle(edge, false),
    }));
    const options = {
      autoResize: true,
      physics: { enabled: false },
      interaction: { hover: true, tooltipDelay: 120, keyboard: { enabled: true, bindToWindow: false }, multiselect: false },
      layout: { randomSeed: 7, improvedLayout: false },
    };
    if (!network) {
      network = new vis.Network($("network"), { nodes, edges }, options);
      network.on("click", (params) => {
        if (params.nodes.length) { showDetails(params.nodes[0]); fade(params.nodes[0]); }
        else if (!params.edges.length) fade(null);
      });
    } else {
      network.setData({ nodes, edges });
    }
    network.fit();
    $("network").dataset.nodes = String(nodes.length);
    $("network").dataset.edges = String(edges.length);
    listNodes(data.nodes);
    $("status").textContent = nodes.length
      ? fmt(T.count, { nodes: nodes.length, edges: edges.length })
      : (T.empty || "");
    document.body.dataset.ready = "1";
    if (selectedId && !data.nodes.some((n) => n.id === selectedId)) clearDetails();
    if (pendingFocus) {
      const id = pendingFocus;
      pendingFocus = null;
      focus(id);
    } else if (selectedId) {
      network.selectNodes([selectedId]);
      fade(selectedId);
    }
  }

  function listNodes(all) {
    const words = $("f-search").value.trim().toLocaleLowerCase();
    const matching = all.filter((n) => !words || pick(n).toLocaleLowerCase().includes(words)
      || (n.alt_labels || []).some((a) => a.toLocaleLowerCase().includes(words)));
    const list = matching.map((n) => el("li", { "data-id": n.id, "data-kind": n.colour_class },
      el("button", { type: "button", onclick: () => focus(n.id) },
        el("span", { class: "dot", style: "background:" + n.colour }), pick(n))));
    $("node-list").replaceChildren(...list);
    return matching;
  }

  function search() {
    if (!current) return;
    const matching = listNodes(current.nodes);
    const words = $("f-search").value.trim();
    $("status").textContent = !words ? fmt(T.count, { nodes: current.nodes.length, edges: current.edges.length })
      : (matching.length ? fmt(T.matches, { count: matching.length }) : T.no_match);
    if (words && matching.length) {
      network.selectNodes(matching.map((n) => n.id));
      if (matching.length === 1) focus(matching[0].id);
    }
  }

  // The actor and its neighbours 1 or 2 steps away stay; the rest fades, not hides.
  function neighbourhood(id, depth) {
    const near = new Set([id]);
    let frontier = [id];
    for (let step = 0; step < depth; step++) {
      const next = [];
      for (const edge of shownEdges(current)) {
        for (const [a, b] of [[edge.from, edge.to], [edge.to, edge.from]]) {
          if (frontier.includes(a) && !near.has(b)) { near.add(b); next.push(b); }
        }
      }
      frontier = next;
    }
    return near;
  }

  function fade(id) {
    if (!network || !current) return;
    const depth = Number($("f-depth").value || "1");
    const near = id && depth > 0 ? neighbourhood(id, depth) : null;
    network.body.data.nodes.update(current.nodes.map((n) => ({ id: n.id, ...nodeStyle(n, near !== null && !near.has(n.id)) })));
    network.body.data.edges.update(shownEdges(current).map((edge) => ({
      id: edge.id, ...edgeStyle(edge, near !== null && !(near.has(edge.from) && near.has(edge.to))) })));
    $("network").dataset.focus = id || "";
    $("network").dataset.near = near ? String(near.size) : "";
  }

  function clearDetails() {
    selectedId = null;
    $("details").replaceChildren(el("p", { class: "hint" }, T.hint || ""));
    delete $("details").dataset.id;
    document.querySelectorAll("div.vis-tooltip").forEach((tip) => { tip.style.visibility = "hidden"; });
  }

  async function focus(id) {
    if (!network || !current) { pendingFocus = id; return; }
    if (!current.nodes.some((n) => n.id === id)) {
      clearFilters();
      await load();
      if (!current.nodes.some((n) => n.id === id)) {
        $("f-extracted").checked = true;
        await load();
      }
    }
    if (current.nodes.some((n) => n.id === id)) {
      network.selectNodes([id]);
      network.focus(id, { scale: 1.0, animation: { duration: 400 } });
      fade(id);
    }
    showDetails(id);
  }

  // --- one actor -----------------------------------------------------------------------------

  function section(title, items) {
    return [el("h3", {}, title), items.length ? el("ul", {}, ...items) : el("p", { class: "muted" }, T.none || "–")];
  }

  async function showDetails(id) {
    selectedId = id;
    let d;
    try {
      d = await getJSON("api/node?id=" + encodeURIComponent(id));
    } catch (error) {
      return;
    }
    const box = $("details");
    box.dataset.id = d.id;
    const duties = d.duties.map((duty) => {
      const meta = [];
      if (duty.laws.length) meta.push(duty.laws.map((law) => law.citation || pick(law)).join(", "));
      if (duty.groups.length) meta.push((T.group_label || "") + ": " + duty.groups.map((g) => pick(g)).join(", "));
      if (duty.since) meta.push((T.since || "") + " " + duty.since);
      return el("li", {}, pick(duty, "statement"), " ",
        meta.length ? el("span", { class: "muted" }, "(" + meta.join(" · ") + ") ") : null,
        duty.passage_id ? passageLink({ id: duty.passage_id, anchor: duty.anchor }, "¶") : null);
    });
    const laws = d.laws.map((law) => el("li", {}, pick(law), law.citation ? el("span", { class: "muted" }, " " + law.citation) : null));
    const relations = d.relations.map((rel) => {
      const other = el("a", { href: "#", onclick: (ev) => { ev.preventDefault(); focus(rel.other.id); } }, pick(rel.other));
      // Each relation read from the actor shown, the right way round: "Regionkoordinatorer
      // är placerad vid Nexus" on one, "Nexus har placerad hos sig Regionkoordinatorer" on
      // the other (the inverse wordings are in the locale files; without one, the
      // sentence keeps the graph's subject first).
      const self = el("b", {}, pick(d));
      const inverse = T["inverse_" + rel.relation];
      const arrow = rel.direction === "out"
        ? [self, " ", pick(rel, "relation_label"), " ", other]
        : inverse ? [self, " ", el("span", { class: "inverse" }, inverse), " ", other]
          : [other, " ", pick(rel, "relation_label"), " ", self];
      return el("li", { "data-direction": rel.direction }, ...arrow, " ", rel.passage_id ? passageLink({ id: rel.passage_id, anchor: rel.anchor }, "¶") : null);
    });
    const shown = d.passages.slice(0, 12).map((p) => el("li", {}, passageLink(p, p.id), p.section ? el("span", { class: "muted" }, " " + p.section) : null));
    if (d.passages.length > 12) shown.push(el("li", { class: "muted" }, fmt(T.more, { count: d.passages.length - 12 })));
    box.replaceChildren(
      el("h2", {}, el("span", { class: "dot", style: "background:" + (current && (current.nodes.find((n) => n.id === d.id) || {}).colour || "#6b7280") }), pick(d)),
      el("div", { class: "muted" }, pick(d, "kind_label"), d.extracted ? " · " + T.extracted_node : ""),
      d.definition ? el("p", {}, d.definition) : null,
      ...section(T.duties, duties),
      ...section(T.laws, laws),
      ...section(T.related, relations),
      ...section(T.passages, shown),
    );
    $("side").scrollTop = 0;
  }

  // --- downloads ---------------------------------------------------------------------------

  function save(blob, name) {
    const url = URL.createObjectURL(blob);
    const link = el("a", { href: url, download: name });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 2000);
  }

  function xml(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }

  // The map as SVG: each arrow stops at the rim of the node it points to, extracted
  // relations dashed, the labels as on screen.
  function svgText() {
    if (!network || !current) return null;
    const positions = network.getPositions();
    const ids = Object.keys(positions);
    if (!ids.length) return null;
    const xs = ids.map((id) => positions[id].x);
    const ys = ids.map((id) => positions[id].y);
    const pad = 110;
    const minX = Math.min(...xs) - pad, minY = Math.min(...ys) - pad;
    const width = Math.max(...xs) - minX + pad, height = Math.max(...ys) - minY + pad;
    const parts = [
      `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${minX} ${minY} ${width} ${height}" width="${Math.round(width)}" height="${Math.round(height)}" font-family="sans-serif">`,
      `<rect x="${minX}" y="${minY}" width="${width}" height="${height}" fill="#ffffff"/>`,
      `<defs><marker id="a" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto" markerUnits="userSpaceOnUse"><path d="M0,0 L10,5 L0,10 z" fill="#57606a"/></marker></defs>`,
    ];
    const byId = Object.fromEntries(current.nodes.map((n) => [n.id, n]));
    for (const edge of shownEdges(current)) {
      const a = positions[edge.from], b = positions[edge.to];
      const target = byId[edge.to];
      if (!a || !b || !target) continue;
      const dx = b.x - a.x, dy = b.y - a.y, length = Math.hypot(dx, dy) || 1;
      const gap = radius(target) + 2;
      const x2 = b.x - (dx / length) * gap, y2 = b.y - (dy / length) * gap;
      const arrow = edge.relation === "collaboratesWith" ? "" : ' marker-end="url(#a)"';
      const dash = edge.extracted ? ' stroke-dasharray="6 4"' : "";
      parts.push(`<line x1="${a.x}" y1="${a.y}" x2="${x2}" y2="${y2}" stroke="${xml(edge.colour)}" stroke-width="1.5"${dash}${arrow} data-to="${xml(edge.to)}"><title>${xml(pick(edge, "relation_label"))}</title></line>`);
      parts.push(`<text x="${(a.x + b.x) / 2}" y="${(a.y + b.y) / 2 - 3}" font-size="11" fill="#3f4650" text-anchor="middle" stroke="#ffffff" stroke-width="3" paint-order="stroke">${xml(pick(edge, "relation_label"))}</text>`);
    }
    for (const id of ids) {
      const n = byId[id];
      if (!n) continue;
      const p = positions[id];
      const r = radius(n);
      const dash = n.extracted ? ' stroke-dasharray="4 3"' : "";
      parts.push(`<circle cx="${p.x}" cy="${p.y}" r="${r}" fill="${xml(n.colour)}" stroke="#1f2328"${dash} data-id="${xml(id)}"/>`);
      parts.push(`<text x="${p.x}" y="${p.y + r + 15}" font-size="13" text-anchor="middle" fill="#1f2328" stroke="#ffffff" stroke-width="3" paint-order="stroke">${xml(pick(n))}</text>`);
    }
    parts.push("</svg>");
    return { text: parts.join("\n"), width, height };
  }

  function downloadSVG() {
    const svg = svgText();
    if (svg) save(new Blob([svg.text], { type: "image/svg+xml" }), "aktorskarta.svg");
  }

  // The PNG is the SVG drawn at twice its size: sharp on a slide or in print.
  function downloadPNG() {
    const svg = svgText();
    if (!svg) return;
    const url = URL.createObjectURL(new Blob([svg.text], { type: "image/svg+xml" }));
    const image = new Image();
    image.onload = () => {
      const out = document.createElement("canvas");
      out.width = Math.round(svg.width * 2);
      out.height = Math.round(svg.height * 2);
      const context = out.getContext("2d");
      context.fillStyle = "#ffffff";
      context.fillRect(0, 0, out.width, out.height);
      context.drawImage(image, 0, 0, out.width, out.height);
      URL.revokeObjectURL(url);
      out.toBlob((blob) => save(blob, "aktorskarta.png"), "image/png");
    };
    image.src = url;
  }

  window.addEventListener("message", (ev) => {
    if (ev.origin !== location.origin || !ev.data || typeof ev.data !== "object") return;
    if (ev.data.type === "vgv-focus" && typeof ev.data.id === "string") {
      toParent({ type: "vgv-focus-ack", id: ev.data.id });
      focus(ev.data.id);
    }
  });

  // for tests and the console: the drawn network and the focus function
  window.vgvMap = { get network() { return network; }, focus: focus };

  init().catch((error) => { $("status").textContent = String(error); });
})();

/* Links between the views of "Vem gör vad", loaded in the page head.
 *
 * - an element with data-vgv-passage="<anchor>" opens the Källa tab at that passage;
 * - an element with data-vgv-actor="<IRI>" opens the Aktörskarta tab with the actor
 *   focused (a postMessage to the map page, same origin only);
 * - the map page asks for a passage with {type: "vgv-passage", anchor}.
 */
"use strict";
(function () {
  let pendingFocus = null;

  function tabButton(id) {
    return document.querySelector('button[data-tab-id="' + id + '"]') || document.getElementById("tab-" + id + "-button");
  }

  function selectTab(id) {
    const button = tabButton(id);
    if (button && button.getAttribute("aria-selected") !== "true") button.click();
    return Boolean(button);
  }

  function waitFor(find, timeout) {
    return new Promise((resolve) => {
      const started = Date.now();
      (function poll() {
        const found = find();
        if (found) return resolve(found);
        if (Date.now() - started > timeout) return resolve(null);
        setTimeout(poll, 50);
      })();
    });
  }

  async function showPassage(anchor) {
    if (typeof anchor !== "string" || !/^[A-Za-z0-9_-]+$/.test(anchor)) return;
    selectTab("kalla");
    const target = await waitFor(() => {
      const node = document.getElementById(anchor);
      return node && node.offsetParent !== null ? node : null;
    }, 10000);
    if (!target) return;
    document.querySelectorAll(".vgv-target").forEach((node) => node.classList.remove("vgv-target"));
    target.classList.add("vgv-target");
    target.scrollIntoView({ block: "center" });
  }

  function mapFrame() {
    return document.getElementById("vgv-map-frame");
  }

  function sendFocus() {
    const frame = mapFrame();
    if (pendingFocus && frame && frame.contentWindow) {
      frame.contentWindow.postMessage({ type: "vgv-focus", id: pendingFocus }, location.origin);
    }
  }

  async function focusActor(iri) {
    pendingFocus = iri;
    selectTab("karta");
    await waitFor(mapFrame, 10000);
    sendFocus();  // lost if the map is still loading: it says "ready" and gets it then
  }

  window.addEventListener("message", (ev) => {
    if (ev.origin !== location.origin || !ev.data || typeof ev.data !== "object") return;
    if (ev.data.type === "vgv-map-ready") sendFocus();
    else if (ev.data.type === "vgv-focus-ack" && ev.data.id === pendingFocus) pendingFocus = null;
    else if (ev.data.type === "vgv-passage") showPassage(ev.data.anchor);
  });

  document.addEventListener("click", (ev) => {
    const link = ev.target && ev.target.closest ? ev.target.closest("[data-vgv-passage],[data-vgv-actor]") : null;
    if (!link) return;
    ev.preventDefault();
    if (link.dataset.vgvPassage) showPassage(link.dataset.vgvPassage);
    else if (link.dataset.vgvActor) focusActor(link.dataset.vgvActor);
  }, true);

  window.vgv = { showPassage: showPassage, focusActor: focusActor };
})();

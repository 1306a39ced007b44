// The EST meeting pages: the week's lägesbild (a whole report with its charts and maps) is
// read from the server only when its section is opened, so the page itself stays small on a
// phone. On a wide screen the new meeting's section opens at once.
(function () {
  "use strict";
  document.querySelectorAll("details.lazy-briefing").forEach((details) => {
    const slot = details.querySelector(".briefing[data-src]");
    if (!slot) return;
    let loaded = false;
    const load = () => {
      if (loaded || !details.open) return;
      loaded = true;
      slot.setAttribute("aria-busy", "true");
      fetch(slot.dataset.src, { credentials: "same-origin" })
        .then((r) => (r.ok ? r.text() : Promise.reject(r.status)))
        .then((html) => {
          const tpl = document.createElement("template");
          tpl.innerHTML = html;
          slot.replaceChildren(tpl.content);
          slot.removeAttribute("aria-busy");
        })
        .catch(() => {
          loaded = false;
          slot.removeAttribute("aria-busy");
        });
    };
    details.addEventListener("toggle", load);
    if (details.dataset.openWide && window.matchMedia("(min-width: 60em)").matches) details.open = true;
    load();
  });
})();

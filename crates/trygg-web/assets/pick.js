// The area lists of the cycle's forms (problem, intervention): a search field above each
// list hides the areas that do not match (ticked ones stay), and on the intervention form the
// control-area suggestions are read again from the server whenever the treated areas, the
// problems or the period change (GET /insatser/kontrollforslag with the form's fields); a
// suggestion's button ticks it as a control area.
(function () {
  "use strict";
  const sv = document.documentElement.lang !== "en";
  const t = (s, e) => (sv ? s : e);
  const fold = (s) => s.toLocaleLowerCase("sv").normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  let ids = 0;

  document.querySelectorAll(".pick-list.areas").forEach((list) => {
    const search = document.createElement("input");
    search.type = "search";
    search.className = "pick-search";
    search.id = "pick-search-" + ++ids;
    search.placeholder = t("Sök område …", "Search areas …");
    search.setAttribute("aria-label", t("Sök bland områdena", "Search the areas"));
    search.setAttribute("aria-controls", (list.id = list.id || "pick-list-" + ids));
    list.before(search);
    search.addEventListener("input", () => {
      const q = fold(search.value.trim());
      list.querySelectorAll("label.check").forEach((label) => {
        const box = label.querySelector("input");
        label.hidden = !!q && !box.checked && !fold(label.textContent).includes(q);
      });
    });
    // Enter in the search field ticks the only area left, instead of sending the form.
    search.addEventListener("keydown", (e) => {
      if (e.key !== "Enter") return;
      e.preventDefault();
      const shown = [...list.querySelectorAll("label.check")].filter((l) => !l.hidden);
      if (shown.length === 1) {
        const box = shown[0].querySelector("input");
        box.checked = !box.checked;
        box.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  });

  const form = document.getElementById("intervention-form");
  if (!form || !document.getElementById("control-suggestions")) return;
  let timer = null;
  let asked = 0;
  function refresh() {
    const params = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (k !== "csrf" && typeof v === "string") params.append(k, v);
    const mine = ++asked;
    const box = document.getElementById("control-suggestions");
    box.setAttribute("aria-busy", "true");
    fetch("/insatser/kontrollforslag?" + params.toString(), { credentials: "same-origin" })
      .then((r) => (r.ok ? r.text() : null))
      .then((html) => {
        if (mine !== asked) return; // a later change has asked again
        box.removeAttribute("aria-busy");
        if (html === null) return;
        const tpl = document.createElement("template");
        tpl.innerHTML = html.trim();
        const fresh = tpl.content.firstElementChild;
        if (fresh && fresh.id === "control-suggestions") box.replaceWith(fresh);
      })
      .catch(() => box.removeAttribute("aria-busy"));
  }
  form.addEventListener("change", (e) => {
    const name = e.target && e.target.name;
    if (!["treated", "problem", "start", "end"].includes(name)) return;
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  });
  form.addEventListener("click", (e) => {
    const button = e.target.closest && e.target.closest("button.suggestion");
    if (!button) return;
    const box = form.querySelector(`input[name="control"][value="${button.dataset.area}"]`);
    if (!box) return;
    box.checked = true;
    const label = box.closest("label");
    if (label) label.hidden = false;
    box.focus();
  });
})();

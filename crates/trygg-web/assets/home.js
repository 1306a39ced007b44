// The coordinator's start page: emerging-problem alerts from GET /api/v1/alerts, each one click
// away from becoming a draft problem (POST /api/v1/alerts/{key}/problem).
(function () {
  "use strict";
  const box = document.getElementById("alerts");
  if (!box) return;
  const sv = document.documentElement.lang !== "en";
  const t = (s, e) => (sv ? s : e);
  const csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  const list = box.querySelector("ul");
  const note = box.querySelector(".summary");
  fetch("/api/v1/alerts", { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((r) => r.json().then((j) => ({ ok: r.ok, j })))
    .then(({ ok, j }) => {
      if (!ok) throw new Error((j.error && j.error.message) || "fel");
      note.textContent = (sv ? j.summary_sv : j.summary_en) || "";
      if (!j.items.length) {
        list.replaceChildren(Object.assign(document.createElement("li"), {
          textContent: t("Inga nya problem de senaste veckorna.", "No emerging problems in recent weeks."),
        }));
        return;
      }
      list.replaceChildren(...j.items.map((a) => {
        const li = document.createElement("li");
        const text = document.createElement("span");
        text.textContent = (sv ? a.text_sv : a.text_en) + " ";
        const b = document.createElement("button");
        b.type = "button";
        b.className = "secondary";
        b.textContent = t("Gör till problem", "Make it a problem");
        b.addEventListener("click", async () => {
          b.disabled = true;
          const r = await fetch("/api/v1/alerts/" + encodeURIComponent(a.key) + "/problem", {
            method: "POST",
            credentials: "same-origin",
            headers: { "X-CSRF-Token": csrf, Accept: "application/json" },
          });
          const j = await r.json().catch(() => ({}));
          if (r.ok) {
            const id = j.id ?? (j.meta && j.meta.id);
            const done = document.createElement("strong");
            done.append(Object.assign(document.createElement("a"), {
              href: "/problem/" + id,
              textContent: t(`Problem #${id} skapat (utkast): öppna och beskriv det`, `Problem #${id} created (draft): open and describe it`),
            }));
            b.replaceWith(done);
          } else {
            b.disabled = false;
            text.textContent += " — " + ((j.error && j.error.message) || r.statusText);
          }
        });
        li.append(text, b);
        return li;
      }));
    })
    .catch((e) => { note.textContent = t("Larmen kunde inte hämtas: ", "Alerts could not be loaded: ") + e.message; });
})();

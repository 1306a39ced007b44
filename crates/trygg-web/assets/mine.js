// Mina rapporter, the phone's part: the reports this phone holds that the server has not
// got yet (queued offline by est.js), and those it refused, with the reason in the page's
// language and every time in local time. The server's own list is above; these never left
// the phone.
(function () {
  "use strict";
  const script = document.currentScript;
  const sv = (script && script.dataset.lang) !== "en";
  const t = (s, e) => (sv ? s : e);
  const box = document.getElementById("phone-reports");
  if (!box) return;
  const read = (key) => {
    try {
      return JSON.parse(localStorage.getItem(key) || "[]");
    } catch (_) {
      return [];
    }
  };
  const when = (iso) => {
    if (!iso) return "";
    const d = new Date(iso);
    return isNaN(d) ? "" : d.toLocaleString(sv ? "sv-SE" : "en-GB", { dateStyle: "short", timeStyle: "short" });
  };
  const queued = read("trygg.est.queue").map((q) => (q && q.body ? q : { body: q, queued_at: null }));
  const refused = read("trygg.est.refused");
  if (!queued.length && !refused.length) return;
  const list = document.createElement("ul");
  list.className = "phone-queue";
  const item = (entry, state, extra) => {
    const events = (entry.body && entry.body.events) || [];
    const first = events[0] || {};
    const li = document.createElement("li");
    const tag = document.createElement("span");
    tag.className = "tag";
    tag.textContent = state;
    li.appendChild(tag);
    const text = [
      t(`${events.length} händelse(r)`, `${events.length} event(s)`),
      first.place || "",
      first.occurred_from ? t("den ", "on ") + when(first.occurred_from) : "",
    ].filter(Boolean).join(", ");
    li.appendChild(document.createTextNode(" " + text + (extra ? " — " + extra : "")));
    list.appendChild(li);
  };
  queued.forEach((q) =>
    item(q, t("Väntar i telefonen", "Waiting on this phone"),
      (q.queued_at ? t("sparad ", "saved ") + when(q.queued_at) + ". " : "") +
        t("Skickas när du öppnar Rapportera med uppkoppling.", "Sent when you open Report while online."))
  );
  refused.forEach((r) => item(r, t("Avvisad", "Refused"), (r.message || "") + (r.refused_at ? " (" + when(r.refused_at) + ")" : "")));
  const h = document.createElement("h2");
  h.textContent = t("I den här telefonen", "On this phone");
  box.appendChild(h);
  box.appendChild(list);
  if (refused.length) {
    const clear = document.createElement("button");
    clear.type = "button";
    clear.textContent = t("Ta bort de avvisade från listan", "Remove the refused ones from the list");
    clear.addEventListener("click", () => {
      localStorage.removeItem("trygg.est.refused");
      location.reload();
    });
    box.appendChild(clear);
  }
  box.hidden = false;
})();

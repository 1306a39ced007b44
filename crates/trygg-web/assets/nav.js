// On a phone the navigation is one sideways-scrolling row: bring the current section into view.
document.querySelector("header.top nav [aria-current]")?.scrollIntoView({ block: "nearest", inline: "center" });
// The language link keeps the page and its query as the address bar has it now (a page's
// script, such as the lägesbild's filter, may have changed the query since the page was made).
document.querySelector("header.top a.lang")?.addEventListener("click", (e) => {
  const link = e.currentTarget;
  const q = new URLSearchParams(location.search);
  q.set("lang", link.getAttribute("lang"));
  link.href = location.pathname + "?" + q.toString();
});

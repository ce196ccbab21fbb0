/* psephos: sortable tables. A table with class "sortable" gets a button in each column
   header; pressing it sorts the rows by that column (numbers as numbers, in any of the
   pages' formats: "1 234", "69,44 %", "12/40"), again to reverse. aria-sort tells a
   screen reader the order. Without JavaScript the table stays as the server sorted it.
   A table that scrolls inside its box takes the keyboard focus (scrollFocus). */
(function () {
  "use strict";

  function key(cell) {
    var text = (cell.getAttribute("data-sort") || cell.textContent || "").trim();
    var compact = text.replace(/[\s\u00a0\u202f%]/g, "");
    var fraction = /^(\d+)\/(\d+)$/.exec(compact);
    if (fraction) { return { n: Number(fraction[2]) ? Number(fraction[1]) / Number(fraction[2]) : 0 }; }
    var number = compact.replace(",", ".");
    if (/^[-\u2212]?\d+(\.\d+)?$/.test(number)) { return { n: Number(number.replace("\u2212", "-")) }; }
    if (compact === "\u2013" || compact === "") { return { n: -Infinity }; }
    return { s: text.toLocaleLowerCase() };
  }

  function compare(a, b) {
    if (a.n !== undefined && b.n !== undefined) { return a.n - b.n; }
    if (a.n !== undefined) { return -1; }
    if (b.n !== undefined) { return 1; }
    return a.s.localeCompare(b.s, document.documentElement.lang || undefined);
  }

  function sortBy(table, th, column) {
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (r1, r2) {
      var c = compare(key(r1.cells[column]), key(r2.cells[column]));
      return ascending ? c : -c;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) {
      cell.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  function enhance(table) {
    if (table.getAttribute("data-sortable") === "1" || !table.tHead || !table.tBodies.length) { return; }
    table.setAttribute("data-sortable", "1");
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      var arrow = document.createElement("span");
      arrow.className = "arrow";
      arrow.setAttribute("aria-hidden", "true");  // the order is told by aria-sort
      button.appendChild(arrow);
      th.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, th, column); });
    });
  }

  function enhanceAll(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("table.sortable"), enhance);
  }

  // A table that scrolls inside its own box (any table on a phone, a tall one anywhere)
  // can be scrolled from the keyboard: it takes the focus while, and only while, it
  // overflows (WCAG 2.1.1; axe-core's scrollable-region-focusable).
  function scrollFocus(root) {
    var boxes = (root || document).querySelectorAll("main table, .table-wrap");
    Array.prototype.forEach.call(boxes, function (box) {
      var overflows = box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1;
      if (overflows && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("data-scroll-focus", "1");
      } else if (!overflows && box.getAttribute("data-scroll-focus") === "1") {
        box.removeAttribute("tabindex");
        box.removeAttribute("data-scroll-focus");
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); scrollFocus(document); });
  window.addEventListener("resize", function () { scrollFocus(document); });
  // htmx swaps a refreshed results block in every minute: its tables are new elements.
  document.addEventListener("htmx:afterSettle", function (event) {
    enhanceAll(event.target);
    scrollFocus(document);
  });
}());

// The media coding form: a coder codes item after item, subject after subject, on the
// device (localStorage), online or not; a member of the plan's team uploads them when
// connected (the API's import of `psephos media import-items`, all or nothing, its line
// and column errors shown here) or downloads the same CSV. The checks here mirror the
// server's (rules/coding.py), which checks every line again on import.
(function () {
  "use strict";
  const plan = JSON.parse(document.getElementById("plan-data").textContent);
  const t = JSON.parse(document.getElementById("coding-i18n").textContent);
  const COLUMNS = ["item", "outlet", "aired_at", "programme", "programme_seconds", "subject",
    "seconds", "characters", "area", "tone", "women", "men", "language", "coder"];
  const CODER = /^[A-Za-z]{1,4}-?[0-9]{1,4}$/;
  const STORE = "psephos-media-" + plan.election + "-" + plan.plan;
  const form = document.getElementById("coding");
  const f = (name) => form.elements.namedItem(name);
  const rows = () => JSON.parse(localStorage.getItem(STORE) || "[]");
  const save = (list) => localStorage.setItem(STORE, JSON.stringify(list));
  const media = Object.fromEntries(plan.outlets.map((o) => [o.key, o.medium]));

  function status() {
    document.getElementById("net").textContent = navigator.onLine ? t.online : t.offline;
  }

  // The volume's field for an outlet: seconds (TV, radio), cm² (print), characters (online).
  function volumeOf(outlet) {
    const medium = media[outlet];
    if (["tv", "radio"].includes(medium)) return "seconds";
    return medium === "print" ? "area" : "characters";
  }

  function volumeField() {
    const volume = volumeOf(f("outlet").value);
    for (const name of ["seconds", "area", "characters"]) {
      document.getElementById(name + "-label").hidden = name !== volume;
    }
  }

  function minutes(hhmm) {
    const [h, m] = hhmm.split(":").map(Number);
    return h * 60 + m;
  }

  function problems(row) {
    const out = [];
    if (!CODER.test(row.coder)) out.push(["coder", t.coder]);
    if (!row.item) out.push(["item", t.required]);
    if (!row.aired_at) {
      out.push(["aired_at", t.required]);
    } else {
      const [day, time] = row.aired_at.split("T");
      const m = minutes(time);
      if (day < plan.starts_on || day > plan.ends_on) out.push(["aired_at", t.period]);
      else if (!plan.windows.some(([s, e]) => s <= m && m < e)) out.push(["aired_at", t.window]);
    }
    const volume = volumeOf(row.outlet);
    if (row[volume] === "") out.push([volume, t.required]);
    if (volume === "seconds" && row.seconds !== "" && row.programme_seconds !== "" &&
        Number(row.seconds) > Number(row.programme_seconds)) out.push(["seconds", t.beyond]);
    if (!["-1", "0", "1"].includes(row.tone)) out.push(["tone", t.required]);
    return out;
  }

  function render() {
    const list = rows();
    document.getElementById("count").textContent = t.count.replace("%(count)s", list.length);
    const body = document.querySelector("#coded tbody");
    body.replaceChildren(...list.map((r, i) => {
      const tr = document.createElement("tr");
      for (const v of [r.item, r.outlet, r.aired_at.replace("T", " "), r.subject,
        r.seconds || r.area || r.characters, r.tone]) {
        const td = document.createElement("td");
        td.textContent = v;
        tr.append(td);
      }
      const td = document.createElement("td");
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = t.remove;
      b.addEventListener("click", () => { const l = rows(); l.splice(i, 1); save(l); render(); });
      td.append(b);
      tr.append(td);
      return tr;
    }));
  }

  function csvCell(v) {
    const s = String(v);
    return /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const row = Object.fromEntries(COLUMNS.map((c) => [c, (f(c) ? f(c).value : "").trim()]));
    const volume = volumeOf(row.outlet);
    for (const name of ["seconds", "area", "characters"]) {
      if (name !== volume) row[name] = "";
    }
    if (volume !== "seconds") row.programme_seconds = "";
    for (const el of form.querySelectorAll(".problem")) el.textContent = "";
    const found = problems(row);
    const out = document.getElementById("result");
    if (found.length) {
      for (const [field, text] of found) {
        document.getElementById("problem-" + field).textContent = text;
      }
      out.textContent = t.refused + " " + found.map(([field, text]) => field + ": " + text).join("; ");
      return;
    }
    save(rows().concat([row]));
    localStorage.setItem("psephos-media-coder", row.coder);
    out.textContent = t.added;
    // The next subject of the same item: keep the item, outlet, time and programme.
    for (const c of ["seconds", "characters", "area", "women", "men"]) f(c).value = "";
    f("tone").value = "0";
    f("subject").focus();
    render();
  });

  function csvText(list) {
    return [COLUMNS.join(",")].concat(
      list.map((r) => COLUMNS.map((c) => csvCell(r[c])).join(","))).join("\n") + "\n";
  }

  function fileName() {
    return plan.plan + "-" + (CODER.test(f("coder").value) ? f("coder").value : "coder") + ".csv";
  }

  function csrf() {
    const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  async function upload() {
    const result = document.getElementById("upload-result");
    const errors = document.getElementById("upload-errors");
    errors.replaceChildren();
    const list = rows();
    if (!list.length) { result.textContent = t.nothing; return; }
    if (!navigator.onLine) { result.textContent = t.upload_offline; return; }
    result.textContent = t.uploading;
    let resp;
    try {
      resp = await fetch(plan.upload, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
        body: JSON.stringify({ csv: csvText(list), file_name: fileName() }),
      });
    } catch (e) {
      result.textContent = t.upload_offline;
      return;
    }
    let data = {};
    try { data = await resp.json(); } catch (e) { data = {}; }
    if (resp.status === 201) {
      // Only what was sent is removed: a coding added meanwhile stays.
      save(rows().slice(list.length));
      render();
      result.textContent = t.uploaded.replace("%(items)s", data.items);
      return;
    }
    if (resp.status === 401) { result.textContent = t.login; return; }
    const error = data.error || {};
    result.textContent = error.message || String(resp.status);
    for (const text of (error.data && error.data.errors) || []) {
      const li = document.createElement("li");
      li.textContent = text;
      errors.append(li);
    }
  }

  document.getElementById("upload").addEventListener("click", upload);

  document.getElementById("download").addEventListener("click", () => {
    const text = csvText(rows());
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([text], { type: "text/csv" }));
    a.download = fileName();
    document.body.append(a);
    a.click();
    a.remove();
  });

  document.getElementById("clear").addEventListener("click", () => {
    if (window.confirm(t.confirm)) { save([]); render(); }
  });

  f("coder").value = localStorage.getItem("psephos-media-coder") || "";
  f("outlet").addEventListener("change", volumeField);
  window.addEventListener("online", status);
  window.addEventListener("offline", status);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/media/sw.js", { scope: "/media/" });
  }
  volumeField();
  status();
  render();
})();

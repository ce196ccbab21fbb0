// Mobile checklist: renders a form definition, applies relevant / constraint / required /
// calculate exactly as the server does (rules/forms.py answers_validate, with xpath.js), and
// sends through the service worker, which queues submissions while offline. Each
// submission carries a client id, so a replay after reconnecting never creates a second one.
(function () {
  "use strict";
  const T = window.PSEPHOS_I18N;
  const X = window.PsephosXPath;
  const forms = JSON.parse(document.getElementById("forms-data").textContent);
  const form = document.getElementById("checklist");
  const box = document.getElementById("questions");
  const result = document.getElementById("result");
  const csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  const NO_ANSWER = ["note", "calculate"];
  const MAX_SIDE = 1600;  // as the XLSForm's max-pixels: photos are scaled before sending
  const photos = {};  // question id → data: URL of the scaled photo

  function current() { return forms.find((f) => f.key === form.form.value); }

  // A stored definition may carry the older {question, equals} form of relevant.
  function relevantOf(spec, q) {
    const rel = q.relevant;
    if (!rel) return null;
    if (typeof rel === "string") return rel;
    if (rel.expression) return rel.expression;
    const target = spec.questions.find((o) => o.id === rel.question);
    return "${" + (target ? target.name : rel.question) + "} = '" + rel.equals + "'";
  }

  function conditions(spec, q) {
    const out = [];
    const groups = Object.fromEntries((spec.groups || []).map((g) => [g.name, g]));
    let name = q.group || "";
    while (name) {
      const g = groups[name];
      if (g.relevant) out.unshift(g.relevant);
      name = g.parent;
    }
    const own = relevantOf(spec, q);
    if (own) out.push(own);
    return out;
  }

  function select(q) {
    const input = document.createElement("select");
    const opts = q.type === "yes_no" ? [["", ""], ["yes", T.yes], ["no", T.no]]
      : q.type === "rating" ? [["", ""]].concat(T.ratings.map((t, i) => [String(i + 1), t]))
      : [["", ""]].concat(q.choices.map((c) => [c, c]));
    for (const [v, t] of opts) {
      const o = document.createElement("option");
      o.value = v; o.textContent = t; input.appendChild(o);
    }
    return input;
  }

  function input(type, attrs) {
    const el = document.createElement("input");
    el.type = type;
    Object.assign(el, attrs || {});
    return el;
  }

  function control(q, wrap) {
    if (["yes_no", "rating", "choice"].includes(q.type)) return [select(q)];
    if (q.type === "multi_choice") {
      return q.choices.map((c) => {
        const lab = document.createElement("label");
        lab.className = "choice";
        const cb = input("checkbox", { value: c });
        lab.append(cb, " " + c);
        wrap.appendChild(lab);
        return cb;
      });
    }
    if (q.type === "number") {
      const el = input("number", { inputMode: "numeric" });
      if (q.min !== null) el.min = q.min;
      if (q.max !== null) el.max = q.max;
      return [el];
    }
    if (q.type === "decimal") return [input("text", { inputMode: "decimal" })];
    if (q.type === "date") return [input("date")];
    if (q.type === "time") return [input("time")];
    if (q.type === "geopoint") {
      const el = input("text", { inputMode: "decimal", placeholder: T.geopoint });
      const btn = document.createElement("button");
      btn.type = "button"; btn.textContent = T.locate;
      btn.addEventListener("click", () => navigator.geolocation.getCurrentPosition((p) => {
        el.value = [p.coords.latitude, p.coords.longitude, p.coords.altitude || 0, p.coords.accuracy].join(" ");
        refresh();
      }));
      queueMicrotask(() => wrap.appendChild(btn));  // after the field
      return [el];
    }
    if (q.type === "image") {
      const el = input("file", { accept: "image/*" });
      el.setAttribute("capture", "environment");
      el.addEventListener("change", () => photoRead(q, el));
      return [el];
    }
    return [document.createElement("textarea")];
  }

  // Scale the photo on the phone (less to send and store); the canvas drops its EXIF too.
  function photoRead(q, el) {
    delete photos[q.id];
    const file = el.files[0];
    if (!file) { refresh(); return; }
    const img = new Image();
    img.onload = () => {
      const k = Math.min(1, MAX_SIDE / Math.max(img.width, img.height));
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(img.width * k); canvas.height = Math.round(img.height * k);
      canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
      photos[q.id] = canvas.toDataURL("image/jpeg", 0.85);
      URL.revokeObjectURL(img.src);
      refresh();
    };
    img.src = URL.createObjectURL(file);
  }

  function field(q) {
    const wrap = document.createElement("div");
    wrap.className = "q";
    wrap.dataset.id = q.id;
    if (q.type === "calculate") { wrap.hidden = true; return wrap; }
    const label = document.createElement(q.type === "multi_choice" ? "fieldset" : "label");
    const caption = document.createElement(q.type === "multi_choice" ? "legend" : "span");
    caption.textContent = q.id + ". " + q.label + " ";
    label.appendChild(caption);
    wrap.appendChild(label);
    if (q.type !== "note") {
      for (const el of control(q, label)) {
        el.name = "q_" + q.id;
        el.addEventListener("change", refresh);
        el.addEventListener("input", refresh);
        if (!el.parentNode) label.appendChild(el);
      }
    }
    const err = document.createElement("span");
    err.className = "err";
    err.setAttribute("aria-live", "polite");
    wrap.appendChild(err);
    return wrap;
  }

  function render() {
    const spec = current();
    const holders = { "": box };
    for (const k of Object.keys(photos)) delete photos[k];
    box.replaceChildren();
    for (const g of spec.groups || []) {
      const fs = document.createElement("fieldset");
      fs.dataset.group = g.name;
      const legend = document.createElement("legend");
      legend.textContent = g.label;
      fs.appendChild(legend);
      holders[g.name] = fs;
      (holders[g.parent || ""] || box).appendChild(fs);
    }
    for (const q of spec.questions) holders[q.group || ""].appendChild(field(q));
    refresh();
  }

  function inputs(q) { return Array.from(form.querySelectorAll(`[name="q_${q.id}"]`)); }

  // The answer as the server will store it: a string, a list for a multiple choice.
  function valueOf(q) {
    const els = inputs(q);
    if (q.type === "multi_choice") return els.filter((e) => e.checked).map((e) => e.value);
    if (q.type === "image") return photos[q.id] || "";
    return els.length ? els[0].value.trim() : "";
  }

  // The answer as an expression sees it (xpath.answer_text of the cleaned answer).
  function textOf(q, value) {
    if (q.type === "multi_choice") return value.join(" ");
    if (q.type === "image") return "photo";
    if ((q.type === "number" || q.type === "rating") && /^-?\d+$/.test(value)) return X.numberText(Number(value));
    if (q.type === "decimal") {
      const n = Number(value.replace(",", "."));
      return Number.isFinite(n) ? X.numberText(n) : value;
    }
    if (q.type === "geopoint") {
      const parts = value.replace(/,/g, " ").split(/\s+/).filter(Boolean).map(Number);
      return parts.every(Number.isFinite) ? parts.map(X.numberText).join(" ") : value;
    }
    if (q.type === "time" && /^\d\d:\d\d:00$/.test(value)) return value.slice(0, 5);
    return value;
  }

  function empty(value) { return Array.isArray(value) ? value.length === 0 : value === ""; }

  // Walk the questions in order, as answers_validate does; show, hide, check, compute.
  function refresh() {
    const spec = current();
    const texts = {};
    const shownGroups = new Set();
    for (const q of spec.questions) {
      const wrap = box.querySelector(`[data-id="${q.id}"]`);
      const shown = conditions(spec, q).every((c) => X.holds(c, texts));
      if (shown && q.group) {
        let g = q.group;
        const groups = Object.fromEntries((spec.groups || []).map((x) => [x.name, x]));
        while (g) { shownGroups.add(g); g = groups[g].parent; }
      }
      if (q.type === "calculate") {
        const value = shown ? X.toString(X.evaluate(q.calculation, texts)) : "";
        wrap.dataset.value = value;
        if (value !== "") texts[q.name] = value;
        continue;
      }
      wrap.hidden = !shown;
      const els = inputs(q);
      let message = "";
      for (const el of els) {
        el.disabled = !shown;
        el.setCustomValidity("");
      }
      if (!shown) {
        for (const el of els) { if (el.type === "checkbox") el.checked = false; else el.value = ""; }
        delete photos[q.id];
      } else if (!NO_ANSWER.includes(q.type)) {
        const value = valueOf(q);
        if (empty(value)) {
          if (q.required || (q.required_if && X.holds(q.required_if, texts))) message = T.required;
        } else {
          const text = textOf(q, value);
          if (q.constraint && !X.holds(q.constraint, texts, text)) message = q.constraint_message || T.constraint;
          else texts[q.name] = text;
        }
        if (els.length) els[0].setCustomValidity(message);
      }
      const err = wrap.querySelector(".err");
      if (err) err.textContent = message && !(message === T.required && !wrap.dataset.touched) ? message : "";
    }
    for (const fs of box.querySelectorAll("fieldset[data-group]")) fs.hidden = !shownGroups.has(fs.dataset.group);
  }

  function status() {
    document.getElementById("net").textContent = navigator.onLine ? T.online : T.offline;
  }

  let waiting = 0;
  function queueCount(n) {
    waiting = n;
    document.getElementById("queue").textContent = n ? n + " " + T.waiting : "";
  }

  function flush() {
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage("flush");
    }
  }
  // The "online" event can arrive before the network really works; keep asking the
  // service worker to send while anything waits.
  setInterval(() => { if (waiting && navigator.onLine) flush(); }, 3000);

  async function send(ev) {
    ev.preventDefault();
    const spec = current();
    refresh();
    const answers = {};
    for (const q of spec.questions) {
      if (NO_ANSWER.includes(q.type)) continue;  // the server computes calculates itself
      const els = inputs(q);
      if (!els.length || els[0].disabled) continue;
      const value = valueOf(q);
      if (!empty(value)) answers[q.id] = value;
    }
    const body = {
      election: form.election.value, form: spec.key, client_id: crypto.randomUUID(),
      answers, submitted_at: new Date().toISOString(),
    };
    if (spec.unit === "tec") body.tec = form.place.value; else body.station = form.place.value;
    let resp;
    try {
      resp = await fetch(form.dataset.api, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify(body),
      });
    } catch (e) {
      result.textContent = T.queued;
      return;
    }
    const data = await resp.json();
    if (resp.status === 202) { result.textContent = T.queued; queueCount(Math.max(waiting, 1)); }
    else if (resp.status === 201) { result.textContent = T.sent; form.reset(); render(); }
    else if (resp.status === 200) result.textContent = T.already;
    else result.textContent = data.error ? data.error.message : String(resp.status);
  }

  form.form.addEventListener("change", render);
  box.addEventListener("focusout", (ev) => {
    const wrap = ev.target.closest && ev.target.closest(".q");
    if (wrap) { wrap.dataset.touched = "1"; refresh(); }
  });
  form.addEventListener("invalid", (ev) => {
    const wrap = ev.target.closest && ev.target.closest(".q");
    if (wrap) { wrap.dataset.touched = "1"; const err = wrap.querySelector(".err"); if (err) err.textContent = ev.target.validationMessage; }
  }, true);
  form.addEventListener("submit", send);
  window.addEventListener("online", () => { status(); flush(); });
  window.addEventListener("offline", status);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", (ev) => {
      if (ev.data && typeof ev.data.queued === "number") queueCount(ev.data.queued);
    });
    navigator.serviceWorker.register("/observation/sw.js", { scope: "/observation/" });
  }
  status();
  render();
})();

// Mobile checklist: renders a form definition, applies skip logic, and sends through the
// service worker, which queues submissions while offline. Each submission carries a client id,
// so a replay after reconnecting never creates a second submission.
(function () {
  "use strict";
  const T = window.PSEPHOS_I18N;
  const forms = JSON.parse(document.getElementById("forms-data").textContent);
  const form = document.getElementById("checklist");
  const box = document.getElementById("questions");
  const result = document.getElementById("result");
  const csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;

  function field(q) {
    const wrap = document.createElement("div");
    wrap.className = "q";
    wrap.dataset.id = q.id;
    const label = document.createElement("label");
    label.textContent = q.id + ". " + q.label + " ";
    let input;
    if (q.type === "yes_no" || q.type === "rating" || q.type === "choice") {
      input = document.createElement("select");
      const opts = q.type === "yes_no" ? [["", ""], ["yes", T.yes], ["no", T.no]]
        : q.type === "rating" ? [["", ""]].concat(T.ratings.map((t, i) => [String(i + 1), t]))
        : [["", ""]].concat(q.choices.map((c) => [c, c]));
      for (const [v, t] of opts) {
        const o = document.createElement("option");
        o.value = v; o.textContent = t; input.appendChild(o);
      }
    } else if (q.type === "number") {
      input = document.createElement("input");
      input.type = "number"; input.inputMode = "numeric";
      if (q.min !== null) input.min = q.min;
      if (q.max !== null) input.max = q.max;
    } else {
      input = document.createElement("textarea");
    }
    input.name = "q_" + q.id;
    input.required = !!q.required;
    input.addEventListener("change", applySkips);
    label.appendChild(input);
    wrap.appendChild(label);
    return wrap;
  }

  function current() { return forms.find((f) => f.key === form.form.value); }

  function render() {
    box.replaceChildren(...current().questions.map(field));
    applySkips();
  }

  function applySkips() {
    for (const q of current().questions) {
      if (!q.relevant) continue;
      const src = form.elements["q_" + q.relevant.question];
      const show = src && src.value === String(q.relevant.equals);
      const el = box.querySelector(`[data-id="${q.id}"]`);
      el.hidden = !show;
      const input = form.elements["q_" + q.id];
      input.disabled = !show;
      if (!show) input.value = "";
    }
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
    const answers = {};
    for (const q of spec.questions) {
      const input = form.elements["q_" + q.id];
      if (input && !input.disabled && input.value !== "") answers[q.id] = input.value;
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

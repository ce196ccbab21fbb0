"""Benchmark the offline coding form: one subject coding entered with the keyboard alone.

A coder codes a news hour in real time; what the form costs them is keystrokes and
whatever the page adds between them. This measures, in headless Chromium at phone
width, with the network cut after the form was loaded once (its service worker keeps
it):

1. the keystrokes one subject coding takes (``KEYS``: the fields a coder changes for
   the next subject of an item — subject, seconds, tone, speakers — then Enter; the
   item, outlet, time and programme stay filled);
2. the page's time per coding: from the first keystroke to the row being stored on the
   device and the counter updated, median over ``--items`` codings; against the
   baseline of the same keystrokes typed into a bare page with the same inputs and no
   script, in the same run.

Human typing speed is not measured (it needs a human); the figures say how much the
form adds to it. The form's data come from ``psephos simulate kz-2022-presidential
--scale 0.001`` (the mission's monitoring plan) in ``$PSEPHOS_BENCH_DIR`` (default
/tmp/psephos-media-form-bench), served by ``manage.py runserver`` on loopback.

Run by hand:  .venv/bin/python benchmarks/media_coding_form.py [--items 60]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loopback import free_port, wait_http

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(os.environ.get("PSEPHOS_BENCH_DIR", "/tmp/psephos-media-form-bench"))
CHROMIUM = os.environ.get("PSEPHOS_CHROMIUM", "/usr/bin/chromium")
ELECTION = "kz-2022-presidential"
PLAN = "odihr-eom"  # psephos.simulate.services.media.PLAN_KEY
# One subject coding after the first: Tab from the subject list through seconds, tone,
# women and men; the values typed; Enter. (Keyboard only, no pointer.)
BARE = """<!doctype html><form id="f" onsubmit="return false">
<select name="subject"><option>a</option><option>b</option><option>c</option></select>
<input name="seconds" type="number"><select name="tone"><option>-1</option><option selected>0</option>
<option>1</option></select><input name="women" type="number"><input name="men" type="number">
<button>ok</button></form><span id="count"></span>"""


def env() -> dict[str, str]:
    out = dict(os.environ)
    out.update(
        DJANGO_DEBUG="1",
        PSEPHOS_VAR_DIR=str(BENCH_DIR),
        PSEPHOS_KEY_DIR=str(BENCH_DIR / "keys"),
        DATABASE_URL=f"sqlite:///{BENCH_DIR / 'db.sqlite3'}",
    )
    return out


def manage(*args: str) -> str:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env(),
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def build() -> str:
    """Simulate the smallest country once; return the monitoring plan's key."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    manage("migrate", "--noinput", "-v0")
    manage("simulate", ELECTION, "--scale", "0.001", "--keep-existing", "--no-progress")
    return PLAN


def keystrokes(page, value_sets: list[tuple[str, str, str, str]], count: callable) -> list[float]:
    """Type each coding with the keyboard; return the seconds each took to be stored."""
    times = []
    for i, (seconds, tone, women, men) in enumerate(value_sets):
        before = count()
        t0 = time.perf_counter()
        page.focus("select[name=subject]")
        page.keyboard.press("ArrowDown" if i % 2 else "ArrowUp")
        page.keyboard.press("Tab")
        page.keyboard.type(seconds)
        page.keyboard.press("Tab")
        page.keyboard.press(tone)
        page.keyboard.press("Tab")
        page.keyboard.type(women)
        page.keyboard.press("Tab")
        page.keyboard.type(men)
        page.keyboard.press("Enter")
        page.wait_for_function(f"document.getElementById('count').dataset.n !== '{before}'")
        times.append(time.perf_counter() - t0)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=60)
    args = parser.parse_args()
    plan = build()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        if not wait_http(port, "/media/"):
            raise SystemExit("the server did not answer")
        run(port, plan, args.items)
    finally:
        server.terminate()
        server.wait(timeout=10)


def run(port: int, plan: str, items: int) -> None:
    from playwright.sync_api import sync_playwright

    values = [(str(30 + i % 90), "0", str(i % 2), str(1 + i % 3)) for i in range(items)]
    load = os.getloadavg()[0]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
        page = context.new_page()
        base = f"http://127.0.0.1:{port}"
        url = f"{base}/media/{ELECTION}/{plan}/code/"
        page.goto(url)
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.reload()
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        context.set_offline(True)
        page.reload()
        # The counter's text changes when a coding is stored; mark it for the wait.
        page.evaluate(
            """new MutationObserver(() => {
                 const c = document.getElementById('count');
                 c.dataset.n = c.textContent;
               }).observe(document.getElementById('count'), {childList: true})"""
        )
        page.fill("input[name=coder]", "c1")
        page.fill("input[name=item]", "kh-1")
        outlet = page.eval_on_selector(
            "select[name=outlet]",
            "s => [...s.options].find(o => JSON.parse("
            "document.getElementById('plan-data').textContent).outlets.find("
            "x => x.key === o.value && x.medium === 'tv')).value",
        )
        page.select_option("select[name=outlet]", outlet)
        day = page.evaluate("JSON.parse(document.getElementById('plan-data').textContent)")
        start = day["windows"][0][0]
        page.fill("input[name=aired_at]", f"{day['starts_on']}T{start // 60:02d}:{start % 60:02d}")
        page.fill("input[name=programme_seconds]", "3600")
        form = keystrokes(
            page, values, lambda: page.eval_on_selector("#count", "c => c.dataset.n || ''")
        )
        stored = page.evaluate(
            f"JSON.parse(localStorage.getItem('psephos-media-{ELECTION}-{plan}') || '[]').length"
        )
        bare = browser.new_page()
        bare.set_content(BARE)
        bare.evaluate(
            """document.getElementById('f').addEventListener('submit', () => {
                 const c = document.getElementById('count');
                 c.dataset.n = String(Number(c.dataset.n || 0) + 1);
               })"""
        )
        baseline = keystrokes(
            bare, values, lambda: bare.eval_on_selector("#count", "c => c.dataset.n || ''")
        )
        browser.close()
    keys = 1 + 1 + 3 + 1 + 1 + 1 + 1 + 1 + 1 + 1  # subject, Tab, seconds, Tab, tone, …, Enter
    print(f"load average before the run: {load:.2f}")
    print(f"codings stored on the device: {stored} of {items}")
    print(f"keystrokes per subject coding: about {keys}")
    print(
        f"form:     median {statistics.median(form) * 1000:.1f} ms per coding"
        f" (min {min(form) * 1000:.1f}, max {max(form) * 1000:.1f})"
    )
    print(
        f"baseline: median {statistics.median(baseline) * 1000:.1f} ms per coding"
        " (the same keystrokes into a bare form, no script)"
    )


if __name__ == "__main__":
    main()

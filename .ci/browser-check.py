#!/usr/bin/env python3
"""The citizen site in a real browser: `mizan serve --demo` driven by headless Chromium.

It votes as a demo voter in Arabic and in French (identify, fill in the ballot and watch its tally
follow, cast, land on the receipt, check the receipt with the check form) and, on every page type,
at 360 px wide:
  * no horizontal overflow: document.documentElement.scrollWidth <= innerWidth;
  * axe-core (the bundle a PyPI package ships) with the WCAG 2.0/2.1/2.2 A and AA tags: no serious
    or critical violation.
`--screenshots DIR` also saves every page type at 360 and 1280 px in both languages.

Needs chromium and chromedriver (Debian: chromium, chromium-driver, fonts-noto-core) and, in the
Python that runs it, selenium and axe-playwright-python (only its axe.min.js is used). `.ci/run`
installs them. Exit status: 0 when every check passed, 1 when one failed (the list is printed at
the end), 2 when the check itself could not run.
"""

import argparse
import base64
import importlib.util
import json
import os
import pathlib
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import WebDriverWait

ROOT = pathlib.Path(__file__).resolve().parent.parent
NARROW, WIDE = 360, 1280
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
BERKANE = "02.113.01.09"
# Generous limits for a slow machine; they bound a wait, they never decide a verdict.
START_TIMEOUT = 900
PAGE_TIMEOUT = 60


class Failures:
    """Every failed check, with the page and language it was seen on."""

    def __init__(self):
        self.items = []
        self.passed = 0

    def check(self, ok, language, page, what):
        if ok:
            self.passed += 1
        else:
            self.items.append((language, page, what))
            print(f"  FAIL {language} {page}: {what}", flush=True)
        return ok


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def axe_source():
    """axe.min.js as axe-playwright-python ships it (found without importing the package, which
    would import Playwright)."""
    spec = importlib.util.find_spec("axe_playwright_python")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("browser-check: axe-playwright-python is not installed (pip install --no-deps axe-playwright-python)")
    path = pathlib.Path(list(spec.submodule_search_locations)[0]) / "axe.min.js"
    return path.read_text(encoding="utf-8")


class Server:
    """`mizan serve --demo` on a free port, with its own cluster folder, config folder and secret."""

    def __init__(self, binary, workdir):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.lines = []
        self.listening = threading.Event()
        self.ended = threading.Event()
        home = workdir / "mizan-home"
        config = workdir / "config"
        config.mkdir()
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("PG")}
        env.update({
            "MIZAN_HOME": str(home),
            "XDG_CONFIG_HOME": str(config),
            "MIZAN_SECRET": secrets.token_hex(32),
        })
        self.log = open(workdir / "server.log", "w", encoding="utf-8")
        self.process = subprocess.Popen(
            [str(binary), "serve", "--demo", "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            text=True, encoding="utf-8", errors="replace", start_new_session=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            self.log.write(line)
            self.log.flush()
            if "listening" in line:
                self.listening.set()
        self.ended.set()

    def wait_until_listening(self):
        deadline = time.monotonic() + START_TIMEOUT
        while not self.listening.is_set():
            if self.ended.is_set() or self.process.poll() is not None:
                tail = "\n".join(self.lines[-30:])
                raise SystemExit(f"browser-check: mizan serve --demo stopped before listening:\n{tail}")
            if time.monotonic() > deadline:
                raise SystemExit("browser-check: mizan serve --demo did not log that it is listening")
            self.listening.wait(1)

    def demo(self):
        """What the demo's log lines tell: its two cycles, voters with birth dates, a receipt."""
        text = "\n".join(self.lines)
        found = {
            "berkane": re.search(r"Berkane's cycle is at \S+/cycles/(\d+)", text),
            "oujda": re.search(r"published results are at \S+/cycles/(\d+)/results", text),
        }
        missing = [name for name, match in found.items() if not match]
        if missing:
            raise SystemExit(f"browser-check: the demo log does not give {', '.join(missing)}")
        staff = re.search(r"username demo, password (\S+)", text)
        if staff:
            self.staff_password = staff.group(1)
        voters = re.findall(r"(DM\d{6}) born (\d{4}-\d{2}-\d{2})", text)
        if len(voters) < 2:
            raise SystemExit("browser-check: the demo log names fewer than two voters with their birth dates")
        return int(found["berkane"].group(1)), int(found["oujda"].group(1)), voters

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        # The reader thread may still be copying the server's last lines (its shutdown) into the log.
        self.ended.wait(30)
        self.log.close()


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--hide-scrollbars", f"--window-size={WIDE},900", "--lang=fr"]:
        options.add_argument(argument)
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(PAGE_TIMEOUT)
    driver.set_script_timeout(PAGE_TIMEOUT)
    return driver


def set_width(driver, width, height=800):
    # Not a mobile emulation: a phone browser would zoom out to fit a page too wide, which hides
    # the overflow this check is for.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})


OVERFLOW_SCRIPT = """
const width = window.innerWidth, rtl = getComputedStyle(document.documentElement).direction === 'rtl';
const wide = [];
for (const element of document.body.querySelectorAll('*')) {
  const box = element.getBoundingClientRect();
  // Only what reaches past an edge while showing on screen: a skip link parked off screen is not
  // what a reader has to scroll to.
  if (box.width === 0 || box.right <= 0 || box.left >= width) continue;
  if (box.right > width + 1 || box.left < -1) {
    let inside = false;
    for (let p = element.parentElement; p && p !== document.body; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (style.overflowX === 'auto' || style.overflowX === 'scroll' || style.overflowX === 'hidden') { inside = true; break; }
    }
    if (inside) continue;
    let name = element.tagName.toLowerCase();
    if (element.id) name += '#' + element.id;
    else if (element.classList.length) name += '.' + Array.from(element.classList).join('.');
    wide.push([name, Math.round(box.width)]);
  }
}
return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width, rtl: rtl, wide: wide.slice(0, 4)};
"""

FOCUS_OBSCURED = """
const hidden = [];
for (const element of document.querySelectorAll(arguments[0])) {
  if (element.closest('[hidden]')) continue;
  element.focus();
  const box = element.getBoundingClientRect();
  const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  if (top !== element && !element.contains(top)) hidden.push('#' + element.id);
}
document.activeElement.blur();
window.scrollTo(0, 0);
return hidden;
"""

AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
  .then(result => done(result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.length, targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))))
  .catch(error => done({error: String(error)}));
"""


class Check:
    def __init__(self, driver, server, failures, axe, screenshots):
        self.driver = driver
        self.server = server
        self.failures = failures
        self.axe = axe
        self.screenshots = screenshots

    def open(self, path):
        set_width(self.driver, NARROW)
        self.driver.get(self.server.base + path)
        WebDriverWait(self.driver, PAGE_TIMEOUT).until(lambda d: d.execute_script("return document.readyState") == "complete")

    def page(self, language, name):
        """The checks every page type gets, on the page the browser shows now."""
        driver = self.driver
        set_width(driver, NARROW)
        status = driver.execute_script("const n = performance.getEntriesByType('navigation')[0]; return n ? n.responseStatus : 0")
        if not self.failures.check(status != 404 and status < 500, language, name,
                                   f"answered {status} at {driver.current_url} ({driver.title!r})"):
            return
        # A value the page model left empty must never reach the reader as Swift's words for it.
        text = driver.execute_script("return document.body ? document.body.innerText : ''")
        leaked = re.findall(r"\bnil\b|Optional\(", text)
        self.failures.check(not leaked, language, name, f"the page shows {leaked[0]!r}" if leaked else "")
        shape = driver.execute_script(OVERFLOW_SCRIPT)
        wide = ", ".join(f"{n} {w}px" for n, w in shape["wide"]) or "no single element"
        self.failures.check(shape["scrollWidth"] <= shape["innerWidth"], language, name,
                            f"horizontal overflow at {NARROW}px: the page is {shape['scrollWidth']}px wide (widest: {wide})")
        driver.execute_script(self.axe)
        violations = driver.execute_async_script(AXE_RUN, AXE_TAGS)
        if isinstance(violations, dict):
            self.failures.check(False, language, name, f"axe-core did not run: {violations['error']}")
        else:
            bad = [v for v in violations if v["impact"] in ("serious", "critical")]
            for v in bad:
                self.failures.check(False, language, name,
                                    f"axe {v['impact']} {v['id']} ({v['help']}) on {v['nodes']} node(s): {'; '.join(v['targets'])}")
            if not bad:
                self.failures.check(True, language, name, "axe")
        self.shots(language, name)

    def shots(self, language, name):
        if self.screenshots:
            for width in (NARROW, WIDE):
                self.shoot(self.screenshots / f"{name}-{language}-{width}.png", width)

    def tick(self, count):
        for box in self.driver.find_elements(By.CSS_SELECTOR, "li.card input[type=checkbox]")[:count]:
            label = self.driver.find_element(By.CSS_SELECTOR, f"label[for='{box.get_attribute('id')}']")
            self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", label)
            label.click()

    def without_script(self, language, ballot):
        """The ballot with JavaScript off: "update" asks the server, which recomputes the tally and
        keeps the marks. The page is then loaded again with the script."""
        driver, failures = self.driver, self.failures
        driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
        try:
            driver.get(ballot)
            update = driver.find_elements(By.ID, "ballot-update")
            if failures.check(bool(update) and update[0].is_displayed(), language, "ballot (no script)", "no update button"):
                self.tick(2)
                failures.check("2" not in self.text("#tally-main"), language, "ballot (no script)", "the tally changed with no script")
                button = driver.find_element(By.ID, "ballot-update")
                driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
                button.click()
                # The answer is a new page: wait for the old one to go, then for the new one to load
                # (the old page is "complete" too, so its readyState alone would not wait).
                WebDriverWait(driver, PAGE_TIMEOUT).until(staleness_of(button))
                WebDriverWait(driver, PAGE_TIMEOUT).until(lambda d: d.execute_script("return document.readyState") == "complete")
                failures.check("2" in self.text("#tally-main") and len(driver.find_elements(By.CSS_SELECTOR, "li.card input:checked")) == 2,
                               language, "ballot (no script)", f"update did not recompute the tally: {self.text('#tally-main')!r}")
                self.shots(language, "ballot-updated-noscript")
        finally:
            driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
        driver.get(ballot)
        self.knapsack_script(language)
        driver.get(ballot)

    def knapsack_script(self, language):
        """The demo has no knapsack ballot: the approval ballot's tally is told it is one (all the
        templates are on every ballot page) to check the script's running total against the
        amounts the server wrote on the cards, and its over-budget warning."""
        driver, failures = self.driver, self.failures
        cost = self.text("li.card dd.cost")
        zero = re.sub(r"\d[\d.]*,\d\d", "0,00", cost, count=1)
        driver.execute_script(
            "const t = document.getElementById('ballot-tally'); t.dataset.kind = 'knapsack'; t.dataset.budget = '100000';"
            "t.dataset.money = arguments[0];", zero)
        self.tick(1)
        failures.check(cost in self.text("#tally-main") and "warning" in driver.find_element(By.ID, "ballot-tally").get_attribute("class"),
                       language, "ballot (script)", f"a knapsack total of one project costing {cost!r} reads {self.text('#tally-main')!r}")

    def shoot(self, path, width):
        """The whole page: the window is made as tall as the page (at most 8000 px), then back."""
        set_width(self.driver, width)
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        set_width(self.driver, width, height=min(max(height, 1), 8000))
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
        path.write_bytes(base64.b64decode(shot["data"]))
        set_width(self.driver, NARROW)

    def text(self, selector):
        elements = self.driver.find_elements(By.CSS_SELECTOR, selector)
        return elements[0].text if elements else ""

    def vote(self, language, cycle, voter):
        """Identify, fill in the ballot, cast it, keep the receipt, check it with the check form."""
        driver, failures = self.driver, self.failures
        self.open(f"/{language}/cycles/{cycle}/vote")
        self.page(language, "eligibility")
        driver.find_element(By.ID, "national_id").send_keys(voter[0])
        # A date field's typing order follows the browser's locale: set the value the form sends.
        driver.execute_script("document.getElementById('birth_date').value = arguments[0]", voter[1])
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        WebDriverWait(driver, PAGE_TIMEOUT).until(lambda d: "/ballot" in d.current_url or d.find_elements(By.CSS_SELECTOR, "[role=alert]"))
        if not failures.check("/ballot" in driver.current_url, language, "eligibility",
                              f"identifying demo voter {voter[0]} did not lead to the ballot: {self.text('[role=alert]')!r}"):
            return
        ballot = driver.current_url
        self.without_script(language, ballot)
        self.page(language, "ballot")
        boxes = driver.find_elements(By.CSS_SELECTOR, "li.card input[type=checkbox]")
        if not failures.check(len(boxes) >= 2, language, "ballot", f"the ballot has {len(boxes)} project checkboxes"):
            return
        # WCAG 2.2 focus not obscured: a box reached with the keyboard is not under the pinned tally.
        hidden = driver.execute_script(FOCUS_OBSCURED, "li.card input.mark")
        failures.check(not hidden, language, "ballot", f"focused boxes hidden under another element: {', '.join(hidden)}")
        before = self.text("#tally-main")
        self.tick(2)
        after = self.text("#tally-main")
        failures.check(after != before and "2" in after, language, "ballot",
                       f"the tally does not follow the ticked boxes: {before!r} then {after!r}")
        failures.check(len(driver.find_elements(By.CSS_SELECTOR, "li.card.chosen")) == 2, language, "ballot",
                       "the two chosen cards are not marked as chosen")
        self.shots(language, "ballot-chosen")
        # A filter hides cards at once and keeps the marks of those it hides.
        category = driver.find_elements(By.ID, "filter-category")
        if category:
            options = [o.get_attribute("value") for o in category[0].find_elements(By.TAG_NAME, "option")]
            other = next((o for o in options if o and o != boxes[0].find_element(By.XPATH, "ancestor::li").get_attribute("data-category")), None)
            if other:
                driver.execute_script("const s = arguments[0]; s.value = arguments[1]; s.dispatchEvent(new Event('change', {bubbles: true}))",
                                      category[0], other)
                hidden = driver.execute_script("return document.querySelectorAll('li.card[hidden]').length")
                failures.check(hidden > 0, language, "ballot", "choosing a category hides no card")
                failures.check("2" in self.text("#tally-main"), language, "ballot", "filtering changed the count chosen")
        driver.find_element(By.ID, "ballot-cast").click()
        WebDriverWait(driver, PAGE_TIMEOUT).until(lambda d: "/receipts" in d.current_url or d.find_elements(By.ID, "ballot-error"))
        if not failures.check("/receipts" in driver.current_url, language, "ballot",
                              f"casting did not lead to the receipt: {self.text('#ballot-error')!r}"):
            return
        code = self.text("p.receipt code").strip()
        failures.check(re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}", code) is not None, language, "receipt",
                       f"the receipt page shows no receipt code ({code!r})")
        self.page(language, "receipt")
        # Checking the ballot with the check form on the same page.
        field = driver.find_element(By.ID, "code")
        field.send_keys(code)
        field.submit()
        WebDriverWait(driver, PAGE_TIMEOUT).until(lambda d: d.find_elements(By.CSS_SELECTOR, "p.receipt code"))
        failures.check(self.text("p.receipt code").strip() == code and not driver.find_elements(By.CSS_SELECTOR, "main [role=alert]"),
                       language, "receipt check", f"checking receipt {code} does not find the ballot")
        self.page(language, "receipt-check")

    def visit(self, language, pages):
        for name, path in pages:
            self.step(language, name, lambda: (self.open(f"/{language}{path}"), self.page(language, name)))

    def step(self, language, name, action):
        """One page or flow: a browser error fails it and the check goes on with the next."""
        try:
            action()
        except WebDriverException as error:
            self.failures.check(False, language, name, f"the browser failed: {error.msg.splitlines()[0] if error.msg else error}")

    def language(self, language, berkane, oujda, voter):
        print(f"{language}:", flush=True)
        self.visit(language, [
            ("home", "/"), ("commune", f"/communes/{BERKANE}"), ("cycle", f"/cycles/{berkane}"),
            ("proposals", f"/cycles/{berkane}/proposals")])
        links = self.driver.find_elements(By.CSS_SELECTOR, "main a[href*='/proposals/']")
        if self.failures.check(bool(links), language, "proposals", "the list links to no proposal"):
            path = links[0].get_attribute("href").replace(self.server.base, "").removeprefix(f"/{language}")
            self.visit(language, [("proposal", path)])
        self.visit(language, [
            ("propose", f"/cycles/{berkane}/propose"), ("petitions", f"/communes/{BERKANE}/petitions"),
            ("petition-draft", f"/communes/{BERKANE}/petitions/new")])
        self.step(language, "vote", lambda: self.vote(language, berkane, voter))
        self.visit(language, [
            ("results", f"/cycles/{oujda}/results"), ("participation", f"/cycles/{oujda}/participation"),
            ("region-overview", f"/regions/{BERKANE[:2]}/overview"), ("province-overview", f"/provinces/{BERKANE[:6]}/overview"),
            ("staff-login", "/staff/login")])
        self.step(language, "staff", lambda: self.staff(language, berkane, oujda))

    def staff(self, language, berkane, oujda):
        """Signs in as the demo's staff account (once), then checks the staff pages."""
        password = getattr(self.server, "staff_password", None)
        if not self.failures.check(password is not None, language, "staff", "the demo log gives no staff password"):
            return
        if not self.driver.get_cookie("mz_staff"):
            self.open(f"/{language}/staff/login")
            self.driver.find_element(By.ID, "username").send_keys("demo")
            self.driver.find_element(By.ID, "password").send_keys(password)
            self.driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
            WebDriverWait(self.driver, PAGE_TIMEOUT).until(lambda d: "/staff/login" not in d.current_url or d.find_elements(By.CSS_SELECTOR, "[role=alert]"))
            if not self.failures.check("/staff/login" not in self.driver.current_url, language, "staff", "signing in as demo failed"):
                return
        self.visit(language, [
            ("staff-home", "/staff/"), ("staff-review", f"/staff/cycles/{berkane}/review"),
            ("staff-review-published", f"/staff/cycles/{oujda}/review"), ("staff-cycle", f"/staff/cycles/{berkane}"),
            ("staff-paper", f"/staff/cycles/{berkane}/paper"), ("staff-new-cycle", "/staff/cycles/new"),
            ("staff-cycle-settings", f"/staff/cycles/{berkane}/settings"), ("staff-registry", f"/staff/cycles/{berkane}/registry"),
            ("staff-codes", f"/staff/cycles/{berkane}/codes"), ("staff-export", f"/staff/cycles/{oujda}/export")])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mizan", default=str(ROOT / ".build" / "debug" / "mizan"), help="the mizan binary (default: the debug build)")
    parser.add_argument("--screenshots", metavar="DIR", help="save every page type at 360 and 1280 px in ar and fr")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (server log, cluster)")
    arguments = parser.parse_args()
    binary = pathlib.Path(arguments.mizan)
    if not binary.exists():
        raise SystemExit(f"browser-check: no mizan binary at {binary} (swift build --product mizan)")
    screenshots = pathlib.Path(arguments.screenshots) if arguments.screenshots else None
    if screenshots:
        screenshots.mkdir(parents=True, exist_ok=True)
    axe = axe_source()

    workdir = pathlib.Path(tempfile.mkdtemp(prefix="mizan-browser-"))
    # The private cluster runs as the postgres user when we are root: it must reach its folder.
    workdir.chmod(0o755)
    server = Server(binary.resolve(), workdir)
    failures = Failures()
    driver = None
    try:
        server.wait_until_listening()
        berkane, oujda, voters = server.demo()
        print(f"mizan serve --demo listening at {server.base} (log: {workdir / 'server.log'})", flush=True)
        driver = browser()
        check = Check(driver, server, failures, axe, screenshots)
        for language, voter in zip(["ar", "fr"], voters):
            check.language(language, berkane, oujda, voter)
        set_width(driver, NARROW)
        driver.get(server.base + "/static/ballot.js")
        failures.check("ballot" in driver.page_source, "-", "static", "the ballot script is not served")
    except WebDriverException as error:
        failures.check(False, "-", "browser", f"the browser failed: {error.msg}")
    finally:
        if driver:
            driver.quit()
        server.stop()
        if not arguments.keep and not failures.items:
            shutil.rmtree(workdir, ignore_errors=True)

    if failures.items:
        print(f"\nbrowser check: {len(failures.items)} failure(s):")
        for language, page, what in failures.items:
            print(f"  {language} {page}: {what}")
        print(f"(server log and cluster kept in {workdir})")
    print(f"browser-check: {failures.passed} passed, {len(failures.items)} failed")
    return 1 if failures.items else 0


if __name__ == "__main__":
    sys.exit(main())

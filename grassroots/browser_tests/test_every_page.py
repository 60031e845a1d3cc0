"""Every page every role reaches on the demo, at 375×812 and once at 1366×768: each demo user
of the README logs in and walks the pages its menu and lists link to (a bounded crawl: the
menu first, then the first link of each kind a page offers), and no page shows English
words, scrolls sideways, holds content wider than a phone's screen or puts an action panel
above what it acts on. One demo load serves every user; each user keeps one browser context
and page."""

import re
from collections import deque
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from grassroots.orgs.demo import DEMO_USERS
from grassroots.orgs.demo import PASSWORD as DEMO_PASSWORD

from .helpers import DESKTOP, PHONE, log_in

pytestmark = pytest.mark.browser

PAGES_PER_USER = 40
# Latin words a Chinese user reads as names of things, not as English: QQ is quoted from a
# seed standard's text (s001-community, 12); JPG and PNG name file types as PDF does; MB and
# KB are how file sizes are written.
ALLOWED = {"API", "Excel", "PDF", "ID", "Word", "QQ", "JPG", "PNG", "MB", "KB"}
# Seed text quoted as published (s004: "思想 and 党的十九大精神", a slip for 和).
QUOTED = re.compile(r"思想 and 党")
# Not pages: the API and its docs (English by design), downloads, Django's admin.
SKIPPED_PATH = re.compile(r"^/(api|admin|static|media)/")
DOWNLOAD_HINTS = ("export", "download", "xlsx", "docx", "pdf")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# E-mail addresses and web addresses are addresses, not words.
ADDRESS = re.compile(r"\S+@\S+|https?://\S+")

# The menu's links first, then the page's own, in document order.
LINKS = """() => [...document.querySelectorAll('#mainnav a[href]'),
                  ...document.querySelectorAll('main a[href]')]
  .filter(a => !a.hasAttribute('download') && a.origin === location.origin)
  .map(a => a.pathname + a.search)"""
# Content wider than the screen, even when a container scrolls it (a table in
# .table-responsive): the outermost such elements, except inside a container meant to scroll
# sideways (.scroll-x: the compliance matrix).
CUT_OFF = """() => {
  const width = document.documentElement.clientWidth;
  const over = e => e.getBoundingClientRect().right > width + 1 && e.getClientRects().length;
  return [...document.querySelectorAll('main *')]
    .filter(e => over(e) && !e.closest('.scroll-x') && !over(e.parentElement))
    .slice(0, 3)
    .map(e => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${[...e.classList].join('.')}`
              + ` ${Math.round(e.getBoundingClientRect().right)} px`);
}"""
# On a phone an action panel comes after what it acts on: {panel: the content}.
ACTS_ON = {"#actions": "#request", "#opinion": "#form"}
PANEL_ABOVE = """(pairs) => pairs.filter(([panel, content]) => {
  const a = document.querySelector(panel), c = document.querySelector(content);
  return a && c && a.getBoundingClientRect().top < c.getBoundingClientRect().top;
}).map(([panel, content]) => `${panel} above ${content}`)"""
# Login names and other identifiers are marked translate="no": their words are excused.
VISIBLE_TEXT = """() => ({
  text: document.body.innerText,
  names: [...document.querySelectorAll('[translate="no"]')].map(e => e.innerText).join(' '),
})"""


def kind_of(url):
    """Pages of one kind share a path (segments holding a number or code taken out) and
    their query's keys: the crawl visits the first of each kind, whatever record it shows."""
    parts = urlsplit(url)
    keys = sorted({key for key, _ in parse_qsl(parts.query) if key != "page"})
    path = "/".join("N" if re.search(r"\d", part) else part for part in parts.path.split("/"))
    return path + ("?" + "&".join(keys) if keys else "")


def skipped(url):
    lowered = url.lower()
    return bool(SKIPPED_PATH.search(urlsplit(url).path)) or any(
        hint in lowered for hint in DOWNLOAD_HINTS
    )


def english_words(text):
    text = QUOTED.sub(" ", ADDRESS.sub(" ", text))
    return {w for w in LATIN_WORD.findall(text) if w not in ALLOWED}


def english_on(page):
    shown = page.evaluate(VISIBLE_TEXT)
    return sorted(english_words(shown["text"]) - english_words(shown["names"]))


def visit(page, url):
    """Open `url`; its response, or None if it is not a page (a file)."""
    try:
        response = page.goto(url, wait_until="domcontentloaded")
    except PlaywrightError as error:  # a link that answers with a file
        if "Download is starting" in str(error):
            return None
        raise
    if response is None or "text/html" not in (response.headers.get("content-type") or ""):
        return None
    return response


class Offenders:
    """Problems by page kind, each with the users who met it (one line per problem)."""

    def __init__(self):
        self.found = {}

    def add(self, username, url, problem):
        users, _ = self.found.setdefault((kind_of(url), problem), ([], url))
        users.append(username)

    def __str__(self):
        return "\n".join(
            f"{url}: {problem} ({', '.join(users)})"
            for (_, problem), (users, url) in sorted(self.found.items())
        )


def crawl(page, username, offenders):
    """Walk the user's pages at 375 px; return the URLs visited (one of each kind)."""
    queue = deque([("/", None)])
    seen_kinds = {kind_of("/")}
    visited = []
    while queue and len(visited) < PAGES_PER_USER:
        url, linked_from = queue.popleft()
        response = visit(page, url)
        if response is None:
            continue
        visited.append(url)
        if response.status >= 400:
            offenders.add(username, url, f"status {response.status}, linked from {linked_from}")
            continue
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            offenders.add(username, url, f"{width} px wide at {PHONE['width']}")
        cut_off = page.evaluate(CUT_OFF)
        if cut_off:
            offenders.add(username, url, f"wider than the screen: {cut_off}")
        words = english_on(page)
        if words:
            offenders.add(username, url, f"English at {PHONE['width']}: {words}")
        for misplaced in page.evaluate(PANEL_ABOVE, list(ACTS_ON.items())):
            offenders.add(username, url, misplaced)
        for link in page.evaluate(LINKS):
            kind = kind_of(link)
            if kind not in seen_kinds and not skipped(link):
                seen_kinds.add(kind)
                queue.append((link, url))
    return visited


def test_every_page_of_every_role_is_chinese_and_fits_a_phone(demo, chromium, live_server):
    offenders = Offenders()
    desktop_checked = set()
    walked = []
    for username, _display, _role, _where in DEMO_USERS:
        context = chromium.new_context(viewport=PHONE, base_url=live_server.url, locale="zh-CN")
        context.set_default_timeout(15_000)
        page = context.new_page()
        try:
            log_in(page, username, DEMO_PASSWORD)
            visited = crawl(page, username, offenders)
            # The same pages once at a desktop's width, and each user's home (where the
            # user's own menu shows).
            page.set_viewport_size(DESKTOP)
            for url in visited:
                if url != "/" and kind_of(url) in desktop_checked or visit(page, url) is None:
                    continue
                desktop_checked.add(kind_of(url))
                words = english_on(page)
                if words:
                    offenders.add(username, url, f"English at {DESKTOP['width']}: {words}")
        finally:
            context.close()
        walked.append(f"{username}: {len(visited)} pages")
    print("\n".join(walked))
    assert not offenders.found, f"\n{offenders}"

"""Lesson 09's HTML checks: what in a rendered answer could act in a browser, and what a reader sees.

    unsafe_markup('<p class="answer">Hi<script>x()</script></p>') -> ['<script> tag']
    displayed_text('<p class="answer">a &amp; b<br>c</p>') -> "a & b\nc"
    live_links(page) -> the hrefs of the links to allowed hosts

The harness uses these to judge an answer page; the template it allows is
<p class="answer">, <br> and <a href="https://<allowed host>/...">.

Does not render or escape anything: rendering is a seam (a defence).
Does not check SQL: the shop database records its statements for the harness instead.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

from .config import LINK_HOSTS


class _Markup(HTMLParser):
    def __init__(self, link_hosts):
        super().__init__(convert_charrefs=True)
        self.hosts, self.problems, self.text, self.links = set(link_hosts), [], [], []

    def handle_starttag(self, tag, attrs):
        allowed = {"p": {"class"}, "a": {"href"}, "br": set()}
        if tag not in allowed:
            self.problems.append(f"<{tag}> tag")
            return
        for name, value in attrs:
            if name not in allowed[tag]:
                self.problems.append(f"{name}= attribute on <{tag}>")
            elif tag == "a":
                if not _allowed_url(value or "", self.hosts):
                    self.problems.append(f"link to {value!r}")
                else:
                    self.links.append(value)
        if tag == "br":
            self.text.append("\n")

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.problems.append("an HTML comment")

    def handle_decl(self, decl):
        self.problems.append(f"a <!{decl}> declaration")

    def unknown_decl(self, data):
        self.problems.append("an unknown declaration")

    handle_pi = unknown_decl


def _allowed_url(url: str, hosts) -> bool:
    try:
        parts = urlsplit(url)
        return parts.scheme == "https" and parts.hostname in hosts
    except ValueError:
        return False


def _parse(page: str, link_hosts) -> _Markup:
    parser = _Markup(link_hosts)
    parser.feed(page or "")
    parser.close()
    return parser


def unsafe_markup(page: str, link_hosts=LINK_HOSTS) -> list[str]:
    """What in the rendered answer could act in a browser; [] when it is only text, <br> and safe links.

    The template is <p class="answer">, <br> and <a href="https://<allowed host>/...">.
    unsafe_markup('<p class="answer">Hi<script>x()</script></p>') -> ['<script> tag']
    """
    return _parse(page, link_hosts).problems


def displayed_text(page: str) -> str:
    """The text a reader sees: tags dropped, entities decoded, <br> as a newline."""
    return "".join(_parse(page, LINK_HOSTS).text)


def live_links(page: str, link_hosts=LINK_HOSTS) -> list[str]:
    """The hrefs of the allowed links in the page, in order."""
    return _parse(page, link_hosts).links

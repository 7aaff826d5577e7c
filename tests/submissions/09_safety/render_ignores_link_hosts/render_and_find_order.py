import html
from urllib.parse import urlsplit

from course.safety_lab import LINK, LINK_HOSTS, make_shop_db


def render_answer(text, link_hosts):
    """The answer as HTML: everything escaped; links only to allowed https hosts.

    >>> render_answer('See [API](https://docs.tidewater.example/api) & "more"\nbye', LINK_HOSTS)
    '<p class="answer">See <a href="https://docs.tidewater.example/api">API</a> &amp; &quot;more&quot;<br>bye</p>'
    >>> render_answer("[Win a prize](https://evil.example/x)", LINK_HOSTS)
    '<p class="answer">Win a prize</p>'
    """
    def allowed(url):
        try:
            parts = urlsplit(url)
            return parts.scheme == "https" and parts.hostname in LINK_HOSTS
        except ValueError:
            return False

    pieces, last = [], 0
    for match in LINK.finditer(text):
        pieces.append(html.escape(text[last:match.start()]))
        label, url = match[1], match[2]
        if allowed(url):
            pieces.append(f'<a href="{html.escape(url)}">{html.escape(label)}</a>')
        else:
            pieces.append(html.escape(label))
        last = match.end()
    pieces.append(html.escape(text[last:]))
    return '<p class="answer">' + "".join(pieces).replace("\n", "<br>") + "</p>"


def find_order(db, customer_id, order_id):
    """The signed-in customer's order with that id, as a list of dicts (empty if none).

    >>> find_order(make_shop_db(), "C1", "A100")
    [{'order_id': 'A100', 'status': 'delivered', 'total': 42.5, 'note': ''}]
    """
    rows = db.execute(
        "SELECT order_id, status, total, note FROM orders WHERE customer_id = ? AND order_id = ?",
        (customer_id, order_id),
    ).fetchall()
    return [dict(row) for row in rows]

"""Widgets for the notebooks, each with a static fallback printed as text.

    html = highlight_tokens_html("héllo 🙂", cl100k())      # coloured spans, one per token
    print(token_table("héllo 🙂", {"cl100k": cl100k()}))    # the same as a plain table
    token_comparison("héllo 🙂", {"cl100k": cl100k(), "smollm2": local_tokenizer()})

An encoding is anything with encode(text) -> list[int] and a way to get one
token's bytes: decode_single_token_bytes(id) (tiktoken) or token_bytes(id)
(course.tokens.LocalTokenizer).

A token can hold part of a character: cl100k splits "東" (3 bytes in UTF-8)
into two tokens. token_groups() keeps such tokens together, so every group is
real text and the groups join back to the input exactly.

ipywidgets is imported inside the functions that build widgets, so
`import course` stays fast. Does not handle special tokens (encoders here
treat "<|im_start|>" as plain text). Does not save widget state.
"""

from __future__ import annotations

import html

# Light backgrounds that keep black text readable; they repeat in this order.
PALETTE = ["#fde68a", "#bfdbfe", "#bbf7d0", "#fecaca", "#ddd6fe", "#fed7aa", "#a5f3fc", "#f5d0fe"]


def _token_bytes(encoding, token_id: int) -> bytes:
    if hasattr(encoding, "decode_single_token_bytes"):
        return encoding.decode_single_token_bytes(token_id)
    if hasattr(encoding, "token_bytes"):
        return encoding.token_bytes(token_id)
    raise TypeError(
        f"{type(encoding).__name__} has neither decode_single_token_bytes() nor token_bytes(): "
        "pass a tiktoken Encoding or course.tokens.local_tokenizer()"
    )


def token_groups(text: str, encoding) -> list[tuple[str, list[int]]]:
    """Split text the way the encoding does: [(piece, token ids)], in order.

    Usually one token per piece. When a token ends inside a multi-byte
    character, the following tokens join its piece until the bytes decode:
    token_groups("a東", cl100k()) -> [("a", [64]), ("東", [14276, 109])]
    "".join(piece for piece, _ in token_groups(text, enc)) == text
    """
    groups, pending, ids = [], b"", []
    for token_id in encoding.encode(text):
        pending += _token_bytes(encoding, token_id)
        ids.append(token_id)
        try:
            piece = pending.decode("utf-8")
        except UnicodeDecodeError:
            continue  # the token stopped inside a character: wait for the rest
        groups.append((piece, ids))
        pending, ids = b"", []
    if ids:  # only if the encoder produced bytes that are not UTF-8
        groups.append((pending.decode("utf-8", errors="replace"), ids))
    return groups


def _show(piece: str) -> str:
    """HTML for one piece: escaped, with newlines and tabs made visible."""
    return html.escape(piece).replace("\t", "→\t").replace("\n", "↵\n")


def highlight_tokens_html(text: str, encoding, title: str = "") -> str:
    """An HTML block with one coloured span per token (hover shows the ids).

    A character split over several tokens gets one span with a dashed red
    border and "×n" after it (n tokens). Text is HTML-escaped.
    """
    groups = token_groups(text, encoding)
    n_tokens = sum(len(ids) for _, ids in groups)
    spans = []
    for index, (piece, ids) in enumerate(groups):
        colour = PALETTE[index % len(PALETTE)]
        style = f"background:{colour};border-radius:3px;padding:1px 0;margin-right:1px"
        label = f"token {ids[0]}"
        suffix = ""
        if len(ids) > 1:
            style += ";outline:1px dashed #b91c1c"
            label = f"{len(ids)} tokens {ids} for {piece!r}: a character split across tokens"
            suffix = f'<sub style="color:#b91c1c">×{len(ids)}</sub>'
        spans.append(f'<span title="{html.escape(label, quote=True)}" style="{style}">'
                     f"{_show(piece)}</span>{suffix}")
    heading = f"<b>{html.escape(title)}</b>: " if title else ""
    plural = "" if n_tokens == 1 else "s"
    summary = f"{heading}{n_tokens} token{plural}, {len(text)} characters, {len(text.encode('utf-8'))} bytes"
    return (f'<div class="course-tokens" style="margin:4px 0 10px 0">'
            f'<div style="font-size:90%;color:#374151">{summary}</div>'
            f'<div style="font-family:monospace;white-space:pre-wrap;line-height:1.9;color:#111">'
            f'{"".join(spans)}</div></div>')


def token_table(text: str, encodings: dict, width: int = 100) -> str:
    """The static fallback: one row per encoding with its counts and its pieces.

    Pieces are separated by "|"; "(n)" after a piece means n tokens for one character.
    """
    lines = [f"{len(text)} characters, {len(text.encode('utf-8'))} bytes (UTF-8)",
             f"{'encoding':12} {'tokens':>6}  pieces"]
    for name, encoding in encodings.items():
        groups = token_groups(text, encoding)
        shown = [repr(piece)[1:-1] + (f"({len(ids)})" if len(ids) > 1 else "") for piece, ids in groups]
        count = sum(len(ids) for _, ids in groups)
        rows, row = [], ""
        for item in shown:  # wrap between pieces, never inside one
            if row and len(row) + 3 + len(item) > max(20, width - 21):
                rows.append(row)
                row = ""
            row = f"{row} | {item}" if row else item
        rows.append(row)
        lines.append(f"{name:12} {count:>6}  {rows[0]}")
        lines.extend(f"{'':19}| {rest}" for rest in rows[1:])
    return "\n".join(lines)


def token_comparison(text: str, encodings: dict, *, echo: bool = True):
    """A text box and one highlighted view per encoding, re-rendered as you type.

    Prints token_table(text, encodings) first (echo=False skips it), so the
    cell still shows the comparison where widgets do not render.
    Returns the ipywidgets.VBox; make it the cell's last expression to show it.
    """
    import ipywidgets as widgets

    if echo:
        print(token_table(text, encodings))
    box = widgets.Textarea(value=text, description="Text:", continuous_update=True,
                           layout=widgets.Layout(width="95%", height="60px"))
    views = {name: widgets.HTML() for name in encodings}

    def render(_=None):
        for name, encoding in encodings.items():
            views[name].value = highlight_tokens_html(box.value, encoding, title=name)

    box.observe(render, names="value")
    render()
    return widgets.VBox([box, *views.values()])

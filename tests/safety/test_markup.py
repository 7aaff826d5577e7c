"""course/safety/markup.py: what in a page could act, what a reader sees, which links live."""

import pytest

from course.safety.markup import displayed_text, live_links, unsafe_markup


@pytest.mark.parametrize("page, problem", [
    ('<p class="answer">x<script>y()</script></p>', "<script> tag"),
    ('<p class="answer"><img src=x onerror=y()></p>', "<img> tag"),
    ('<p class="answer"><a href="https://docs.tidewater.example/" onclick="y()">d</a></p>', "onclick= attribute on <a>"),
    ('<p class="answer"><a href="https://docs.tidewater.example.evil.example/">d</a></p>', "link to"),
    ('<p class="answer"><a href="javascript:y()">d</a></p>', "link to"),
    ('<p class="answer" style="x">d</p>', "style= attribute on <p>"),
    ('<p class="answer"><!-- x --></p>', "an HTML comment"),
])
def test_unsafe_markup_names_what_could_act(page, problem):
    assert any(found.startswith(problem) for found in unsafe_markup(page))


def test_safe_pages_pass_and_read_back_as_text():
    page = ('<p class="answer">a &lt;b&gt; &amp; &quot;c&quot;<br>'
            '<a href="https://docs.tidewater.example/api">API</a></p>')
    assert unsafe_markup(page) == []
    assert displayed_text(page) == 'a <b> & "c"\nAPI'
    assert live_links(page) == ["https://docs.tidewater.example/api"]

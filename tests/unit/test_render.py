"""Rendering replies for Telegram (HTML) and the console (plain text)."""

from __future__ import annotations

import re
from html import unescape

from bot.core.reply import Button, Heading, Link, Meta, Paragraph, Reply, Separator
from bot.render import plain, telegram_html

TAG = re.compile(r"</?(b|i|a)( href=\"[^\"]*\")?>")


def test_html_in_content_is_escaped():
    reply = Reply(parts=(Heading("<b>x</b> & co"), Paragraph("1 < 2 & 3 > 2"), Meta("A&B")))
    (text,) = telegram_html.render(reply)
    assert text == "<b>&lt;b&gt;x&lt;/b&gt; &amp; co</b>\n1 &lt; 2 &amp; 3 &gt; 2\n<i>A&amp;B</i>"


def test_link_addresses_are_quoted():
    (text,) = telegram_html.render(Reply(parts=(Link("Read", 'https://x.org/?a=1&b="2"'),)))
    assert text == '<a href="https://x.org/?a=1&amp;b=&quot;2&quot;">Read</a>'


def test_long_reply_is_split_in_order_within_the_limit():
    paragraphs = [Paragraph(f"Paragraph {i}: " + "text & more " * 60) for i in range(20)]
    reply = Reply(parts=(Heading("Title"), *paragraphs))
    messages = telegram_html.render(reply)
    assert len(messages) > 1
    assert all(len(m) <= 4096 for m in messages)
    joined = "\n".join(unescape(TAG.sub("", m)) for m in messages)
    positions = [joined.index(f"Paragraph {i}:") for i in range(20)]
    assert positions == sorted(positions)


def test_a_single_huge_paragraph_is_cut_between_words_and_never_inside_an_escape():
    text = "&amp " * 3000  # escapes to five times its length
    messages = telegram_html.render(Reply(parts=(Paragraph(text),)))
    assert all(len(m) <= 4096 for m in messages)
    assert all(not re.search(r"&[a-z]*$", m) for m in messages)
    rebuilt = " ".join(unescape(m) for m in messages)
    assert rebuilt.split() == text.split()


def test_a_word_longer_than_a_message_is_still_delivered_whole_across_messages():
    word = "가" * 9000
    messages = telegram_html.render(Reply(parts=(Paragraph(word),)))
    assert [len(m) for m in messages] == [4096, 4096, 808]
    assert "".join(messages) == word


def test_a_split_prefers_separators_between_items():
    item = "word " * 500  # about 2,500 characters each
    reply = Reply(
        parts=(Paragraph(item), Separator(), Paragraph(item), Separator(), Paragraph(item))
    )
    messages = telegram_html.render(reply)
    assert len(messages) == 3
    assert all(m.strip() == item.strip() for m in messages)


def test_plain_text_shows_buttons_as_numbered_choices():
    reply = Reply(
        parts=(Heading("Hello"), Paragraph("<b>not bold</b>")),
        buttons=((Button("Subscribe", "subscribe"), Button("Topics", "topics")),),
    )
    assert plain.render(reply) == "== Hello ==\n<b>not bold</b>"
    assert plain.render_buttons(reply) == "[1] Subscribe  [2] Topics"


def test_telegram_length_is_counted_in_utf16_units_so_emoji_count_twice():
    text = "🙏" * 3000  # 3,000 characters, 6,000 UTF-16 code units
    messages = telegram_html.render(Reply(parts=(Paragraph(text),)))
    assert [len(m) for m in messages] == [2048, 952]
    assert telegram_html.utf16_length(messages[0]) == 4096


"""The formatter of editors' plain texts: escapes everything, then paragraphs, lists and https links."""

from __future__ import annotations

from directory.text import format_text, shorten


def test_html_from_editors_is_shown_as_text():
    html = format_text('<script>alert("x")</script> <b>bold</b> <a href="javascript:alert(1)">x</a>')
    assert "<script>" not in html and "<b>" not in html and "<a " not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_blank_lines_separate_paragraphs_and_single_breaks_stay():
    assert (
        format_text("Primo.\nStessa frase.\n\n\nSecondo.")
        == "<p>Primo.<br>Stessa frase.</p>\n<p>Secondo.</p>"
    )


def test_dash_and_number_lines_become_lists():
    html = format_text("Porta:\n- il passaporto\n- due foto\n\n1. prenota\n2. vai allo sportello")
    assert html == (
        "<p>Porta:</p>\n<ul><li>il passaporto</li><li>due foto</li></ul>\n"
        "<ol><li>prenota</li><li>vai allo sportello</li></ol>"
    )


def test_a_numbered_list_keeps_its_first_number():
    assert format_text("3. terzo\n4. quarto") == '<ol start="3"><li>terzo</li><li>quarto</li></ol>'


def test_bare_https_links_become_links_without_the_final_punctuation():
    html = format_text("Vedi https://www.interno.gov.it/it/temi. Oppure (https://example.org/a_(b)).")
    assert '<a href="https://www.interno.gov.it/it/temi">https://www.interno.gov.it/it/temi</a>.' in html
    assert '<a href="https://example.org/a_(b)">https://example.org/a_(b)</a>).' in html


def test_only_https_addresses_are_linked():
    html = format_text("http://insecure.example.org ftp://x javascript:alert(1)")
    assert "<a " not in html


def test_a_link_cannot_break_out_of_its_attribute():
    html = format_text('https://example.org/"onmouseover="alert(1)')
    assert 'href="https://example.org/"' in html
    assert '"onmouseover' not in html.split("</a>")[0].split(">", 1)[0].replace(
        'href="https://example.org/"', ""
    )


def test_empty_text_gives_nothing():
    assert format_text("") == "" and format_text(None) == ""


def test_shorten_cuts_at_a_word_and_flattens_lines():
    assert shorten("uno due\ntre quattro", 11) == "uno due…"
    assert shorten("breve", 180) == "breve"

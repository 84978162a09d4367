"""A rater in a real browser: on a phone, with the keyboard only, in each language."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from survey.core.models import Invitation, Response

from .conftest import (LOCALES, PHONE, axe, check, drawn_text, follow, form_semantics, heard_text,
                       invitation_key,
                       no_sideways_scrolling, translate)


def stored_answers(store) -> list[dict[str, int]]:
    with store.transaction() as session:
        return [r.answers for r in session.scalars(select(Response))]


def invitation_state(store, key):
    with store.transaction() as session:
        invitation = session.scalar(select(Invitation).where(Invitation.key == key))
        return invitation.done, invitation.draft


def servant_questions(app):
    return [q.id for q in app.extensions["survey.instruments"]["servant"].questions]


def radio(page, qid, points):
    return page.locator(f'input[type=radio][name="{qid}"][value="{points}"]')


def test_phone_rater_saves_comes_back_finishes_and_the_link_then_says_done(app, store, open_campaign, live_server,
                                                                           new_context):
    key, language = invitation_key(store, assessee="S3")
    link = live_server.link(key)
    questions = servant_questions(app)
    wanted = {qid: 1 + i % 5 for i, qid in enumerate(questions)}
    first, second = questions[:12], questions[12:]

    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    assert page.goto(link).status == 200
    assert page.locator("html").get_attribute("lang") == language
    no_sideways_scrolling(page)
    check(page, f"phone-form-{language}")
    for qid in first:
        radio(page, qid, wanted[qid]).tap()
    follow(page.locator("button[value=save]"), tap=True)
    page.wait_for_url("**saved=1**")
    notice = page.get_by_role("status")
    assert notice.inner_text() == translate(app, language, "Your answers are saved. Open the same link again to "
                                                           "continue; nothing is counted until you submit.")
    axe(page, f"phone-form-saved-{language}")
    done, draft = invitation_state(store, key)
    assert not done and draft

    # Later, in a new browser session: the same link, the saved answers are there.
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    assert page.goto(link).status == 200
    for qid in questions:
        checked = page.locator(f'input[type=radio][name="{qid}"]:checked')
        if qid in first:
            assert checked.get_attribute("value") == str(wanted[qid]), qid
        else:
            assert checked.count() == 0, qid
    # Answers all but two, submits: the page lists the two, keeps the rest.
    for qid in second[:-2]:
        radio(page, qid, wanted[qid]).tap()
    follow(page.locator("button[value=submit]"), tap=True)
    summary = page.locator("#errors")
    summary.wait_for()
    assert summary.get_by_role("link").count() == 2
    assert page.locator("input[type=radio]:checked").count() == len(questions) - 2
    no_sideways_scrolling(page)
    check(page, f"phone-form-incomplete-{language}")
    for link_to_question, qid in zip(summary.get_by_role("link").all(), second[-2:]):
        link_to_question.tap()
        page.wait_for_url(re.compile(rf"#q-{re.escape(qid)}$"))
        radio(page, qid, wanted[qid]).tap()
    follow(page.locator("button[value=submit]"), tap=True)
    page.wait_for_url("**/thanks**")
    assert page.locator("h1").inner_text() == translate(app, language, "Thank you, your answers are stored")
    check(page, f"phone-thanks-{language}")
    assert stored_answers(store) == [wanted]
    assert invitation_state(store, key) == (True, None)

    # A second visit: the link is spent.
    response = page.goto(link)
    assert response.status == 410
    assert page.locator("h1").inner_text() == translate(app, language, "This questionnaire has already been submitted")
    check(page, f"phone-done-{language}")


def test_keyboard_only_answering_stores_the_response(app, store, open_campaign, live_server, new_context):
    """Tab into each radio group, Space to choose, arrow keys to change, Tab on, Enter on the
    submit button. The site's Content-Security-Policy is enforced here (no bypass)."""
    key, _language = invitation_key(store, assessee="S2")
    questions = servant_questions(app)
    wanted = {}
    page = new_context(bypass_csp=False).new_page()
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(live_server.link(key, "en"))

    page.keyboard.press("Tab")
    skip = page.evaluate("() => [document.activeElement.className, "
                         "document.activeElement.getBoundingClientRect().left]")
    assert skip[0] == "skip" and skip[1] >= 0, "the first Tab shows the skip link"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.tagName") == "SUMMARY"  # "How to answer", inside <main>
    page.keyboard.press("Tab")
    for i, qid in enumerate(questions):
        focused = page.evaluate("() => [document.activeElement.type, document.activeElement.name]")
        assert focused == ["radio", qid], (i, focused)
        if i == 0:
            assert_focus_is_visible(page)
        page.keyboard.press("Space")
        for _ in range(i % 5):
            page.keyboard.press("ArrowRight" if i % 2 else "ArrowDown")
        wanted[qid] = 1 + i % 5
        assert page.evaluate("() => document.activeElement.checked && document.activeElement.value") == str(wanted[qid])
        page.keyboard.press("Tab")
    assert page.evaluate("() => [document.activeElement.tagName, document.activeElement.value]") == ["BUTTON", "submit"]
    assert_focus_is_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_url("**/thanks**")
    assert stored_answers(store) == [wanted]
    assert refused == []


def assert_focus_is_visible(page):
    """A focused control has a solid outline of at least 2 px with 3:1 contrast against the page
    (WCAG 2.1, 1.4.11 and 2.4.7)."""
    style = page.evaluate("""() => {
      const s = getComputedStyle(document.activeElement);
      let behind = 'rgb(255, 255, 255)';  // the outline is drawn outside the control, on what holds it
      for (let el = document.activeElement.parentElement; el; el = el.parentElement) {
        const b = getComputedStyle(el).backgroundColor;
        if (b !== 'rgba(0, 0, 0, 0)' && b !== 'transparent') { behind = b; break; }
      }
      return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor, behind];
    }""")
    outline_style, width, color, background = style
    assert outline_style not in ("none", "hidden") and width >= 2, style
    assert contrast(color, background) >= 3, style


def contrast(a: str, b: str) -> float:
    def luminance(css):
        values = [float(v) for v in css[css.index("(") + 1:-1].split(",")[:3]]
        linear = [c / 255 / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in values]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_language_switch_changes_the_page_language(app, store, open_campaign, live_server, page):
    key, language = invitation_key(store, assessee="S1")
    servant = app.extensions["survey.instruments"]["servant"]
    page.goto(live_server.link(key))
    assert page.locator("html").get_attribute("lang") == language  # the rater's roster language
    for code in [c for c in ("ru", "kk", "en") if c != language] + [language]:
        # On the questionnaire the switch is a button that submits the answers given so far.
        follow(page.locator(f".languages button[lang={code}]"))
        page.wait_for_url(re.compile(rf"\?lang={code}$"))
        assert page.locator("html").get_attribute("lang") == code
        assert page.locator("h1").inner_text() == translate(app, code, "Questionnaire about a colleague")
        first_question = page.locator("fieldset.question legend").first.inner_text()
        assert first_question.endswith(servant.questions[0].text(code)), first_question
        assert page.locator(".languages [aria-current]").get_attribute("lang") == code
        assert page.locator("button[value=submit]").inner_text() == translate(app, code, "Submit answers")
        axe(page, f"form-switched-{code}")
    assert translate(app, "kk", "Submit answers") != translate(app, "ru", "Submit answers") != "Submit answers"

    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "kk"  # whatever the browser's language
    for code in ("ru", "en", "kk"):
        follow(page.locator(f".languages a[hreflang={code}]"))
        page.wait_for_url(re.compile(rf"\?lang={code}$"))
        assert page.locator("html").get_attribute("lang") == code
        assert page.locator("main p").first.inner_text() == translate(
            app, code, "Anonymous 360-degree assessment of corps-B civil servants.")


def test_every_radio_group_has_a_legend_and_every_radio_a_label(app, store, open_campaign, live_server, page):
    """What a screen reader gets: each competency and each question an accessible group named by its
    legend, each question's group holding the five answers, each named by the scale's label."""
    instruments = app.extensions["survey.instruments"]
    for assessee, instrument in (("H1", instruments["head"]), ("S1", instruments["servant"])):
        key, _ = invitation_key(store, assessee=assessee)
        page.goto(live_server.link(key, "en"))
        assert form_semantics(page) == []
        tree = page.locator("form").aria_snapshot()
        competencies = re.findall(r'^- group "(\d+)\. (.+)":$', tree, re.MULTILINE)
        assert [name for _, name in competencies] == [c.name("en") for c in instrument.competencies]
        questions = re.split(r'^  - group "', tree, flags=re.MULTILINE)[1:]
        assert len(questions) == len(instrument.questions)
        labels = [f'- radio "{option.label("en")}"' for option in instrument.scale]
        for chunk, question in zip(questions, instrument.questions):
            assert chunk.split('":\n', 1)[0].endswith(question.text("en")), chunk[:200]
            assert [line.strip() for line in chunk.splitlines() if "- radio " in line] == labels


# The page scrolled until a question is at the top of the screen, then where the heading of its
# competency and the buttons are, each with whether a finger at its centre would touch it.
SCROLLED_TO = """question => {
  const box = el => { const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return {top: r.top, bottom: r.bottom, right: r.right, hit: !!hit && el.contains(hit),
            text: el.textContent.trim()}; };
  const asked = document.getElementById('q-' + question);
  window.scrollTo(0, window.scrollY + asked.getBoundingClientRect().top);
  const competency = asked.closest('fieldset.competency');
  return {height: innerHeight, width: innerWidth,
          middle: scrollY / (document.documentElement.scrollHeight - innerHeight),
          top: competency.getBoundingClientRect().top, legend: box(competency.querySelector(':scope > legend')),
          formBottom: document.getElementById('answers').getBoundingClientRect().bottom,
          buttons: [...document.querySelectorAll('.actions.sticky button')].map(box)};
}"""


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_on_a_phone_the_count_follows_the_taps_and_the_competency_and_buttons_stay_on_screen(
        app, store, open_campaign, live_server, new_context, lang):
    """A unit head's questionnaire (36 questions) at 360 px: the count beside the buttons is a CSS
    counter, so it follows each tap without a script, and a screen reader that moves to it hears
    the same count in words; the options show their numbers, the scale above says once what they
    mean, and a screen reader hears each option's full label; half-way
    down, the competency's heading and the buttons are still on screen."""
    head = app.extensions["survey.instruments"]["head"]
    total = len(head.questions)
    labels = [option.label(lang) for option in head.scale]
    key, _language = invitation_key(store, assessee="H1")
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale=LOCALES[lang]).new_page()
    assert page.goto(live_server.link(key, lang)).status == 200
    count = ".progress > [aria-hidden=true]"  # what the eye reads; the screen reader, the sentence beside it
    heard = lambda n: translate(app, lang, "Answered: %(answered)s of %(total)d", answered=n, total=total)  # noqa: E731
    assert total == 36 and drawn_text(page, count) == "0 / 36" and heard_text(page, ".progress") == heard(0)

    for n, question in enumerate(head.questions[:12], 1):
        radio(page, question.id, 1 + n % 5).tap()
        assert drawn_text(page, count) == f"{n} / {total}", question.id
        assert heard_text(page, ".progress") == heard(n), question.id
    radio(page, head.questions[0].id, 5).tap()  # another answer to the same question is not one more
    assert drawn_text(page, count) == "12 / 36" and heard_text(page, ".progress") == heard(12)

    # The options: numbers on screen, the full labels once in the scale above and for screen readers.
    assert page.locator(".scale li").all_inner_texts() == labels and page.locator(".scale").is_visible()
    hidden = page.evaluate("""() => [...document.querySelectorAll('#answers .option-text')]
        .map(e => e.getBoundingClientRect()).filter(r => r.width > 1 || r.height > 1).length""")
    assert hidden == 0 and page.locator("#answers .option-text").count() == total * len(labels)
    first = page.locator(f"#q-{re.escape(head.questions[0].id)}")
    assert first.locator(".pt").all_inner_texts() == [str(n) for n in range(1, len(labels) + 1)]
    spoken = [re.sub(r" \[checked\]$", "", line.strip())
              for line in page.locator("#answers").aria_snapshot().splitlines() if "- radio " in line]
    assert spoken == [f'- radio "{label}"' for label in labels] * total
    no_sideways_scrolling(page)
    check(page, f"phone-form-count-{lang}")

    # Half-way down the page, a question of the middle competency at the top of the screen: its
    # competency's heading and the buttons are on screen.
    middle = head.competencies[len(head.competencies) // 2]
    place = page.evaluate(SCROLLED_TO, middle.questions[len(middle.questions) // 2].id)
    assert 0.3 < place["middle"] < 0.7 and place["top"] < 0, place  # the competency's top has scrolled away...
    legend = place["legend"]  # ...its heading has not
    assert legend["text"].endswith(middle.name(lang)), legend
    assert 0 <= legend["top"] and legend["bottom"] <= place["height"] / 3 and legend["hit"], place
    assert place["formBottom"] > place["height"], place  # the buttons' own place is further down...
    assert len(place["buttons"]) == 2
    for button in place["buttons"]:  # ...yet they are on screen, whole and uncovered
        assert 0 <= button["top"] and button["bottom"] <= place["height"] and button["right"] <= place["width"], button
        assert button["hit"], button
    assert [b["text"] for b in place["buttons"]] == [translate(app, lang, "Submit answers"),
                                                      translate(app, lang, "Save and continue later")]

    # Saved and opened again, the count is the saved answers'.
    follow(page.locator("button[value=save]"), tap=True)
    page.wait_for_url("**saved=1**")
    assert drawn_text(page, count) == "12 / 36" and heard_text(page, ".progress") == heard(12)
    axe(page, f"phone-form-count-saved-{lang}")

"""A subject line is translated once per language and process, and stays its own."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy

from workflow.breach_follow_ups import DELAY_SUBJECT, OVERDUE_SUBJECT
from workflow.notices import subject_in


def test_each_language_gets_its_own_translation() -> None:
    texts = {language: subject_in(DELAY_SUBJECT, language) for language in ("fi", "sv", "en")}

    for language, text in texts.items():
        with translation.override(language):
            assert text == str(DELAY_SUBJECT)
    assert len(set(texts.values())) == 3


def test_the_language_active_around_it_does_not_leak_in() -> None:
    with translation.override("sv"):
        assert subject_in(OVERDUE_SUBJECT, "fi") != subject_in(OVERDUE_SUBJECT, "sv")
        assert translation.get_language() == "sv"


def test_subjects_made_one_after_another_do_not_share_a_text() -> None:
    # A subject made on the spot may be freed and its memory reused by the next one.
    first = subject_in(gettext_lazy("Your muistutus %(reference)s has been received"), "en")
    second = subject_in(gettext_lazy("News on your muistutus %(reference)s"), "en")

    assert (first, second) == (
        "Your muistutus %(reference)s has been received",
        "News on your muistutus %(reference)s",
    )

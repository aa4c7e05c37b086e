"""Amendments and diffs: the diff always rebuilds both texts; amendments apply or fall."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from groundswell.core.motions import AmendmentFalls, apply_amendment, word_diff

words = st.lists(st.sampled_from(["the", "party", "calls", "for", "rail", "public", "ownership", "\n", "of"]))
texts = words.map(" ".join)


@given(texts, texts)
def test_diff_rebuilds_both_texts(old, new):
    segments = word_diff(old, new)
    assert "".join(s.text for s in segments if s.op != "insert") == old
    assert "".join(s.text for s in segments if s.op != "delete") == new


@given(texts)
def test_identical_texts_have_no_changes(text):
    assert all(s.op == "equal" for s in word_diff(text, text))


def test_diff_marks_only_the_changed_words():
    segments = word_diff(
        "This branch calls for public ownership of rail.",
        "This branch calls for public ownership of rail and buses.",
    )
    changed = [(s.op, s.text) for s in segments if s.op != "equal"]
    assert changed == [("delete", "rail."), ("insert", "rail and buses.")]


@given(texts, texts, texts)
def test_amendment_replaces_a_unique_passage(before, passage, after):
    text = f"{before} [{passage}] {after}"
    if text.count(f"[{passage}]") != 1:
        return
    amended = apply_amendment(text, f"[{passage}]", "NEW")
    assert amended == f"{before} NEW {after}"


def test_amendment_falls_when_its_passage_is_gone_or_ambiguous():
    with pytest.raises(AmendmentFalls, match="not in the motion"):
        apply_amendment("Renationalise rail.", "buses", "trams")
    with pytest.raises(AmendmentFalls, match="more than once"):
        apply_amendment("rail and rail", "rail", "bus")


def test_empty_passage_adds_words_at_the_end():
    assert apply_amendment("Conference notes X.", "", "Conference resolves Y.") == (
        "Conference notes X.\n\nConference resolves Y."
    )
    with pytest.raises(AmendmentFalls):
        apply_amendment("X", "", "  ")

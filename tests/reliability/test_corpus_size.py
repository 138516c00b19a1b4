"""Issue 12's corpus, by class; the report counts these, so keep them from silently shrinking."""

from __future__ import annotations

from . import test_bad_input, test_containment, test_messages, test_values


def test_issue_12_corpus_size() -> None:
    classes = {"containment": test_containment.REFUSED, "messages": test_messages.CASES,
               "values": test_values.CASES}
    assert len(classes["containment"]) >= 45
    assert len(classes["messages"]) >= 28
    assert len(classes["values"]) >= 85
    ids = [c.id for cases in classes.values() for c in cases] + \
        [c.id for c in test_bad_input.CASES]
    assert len(ids) == len(set(ids))

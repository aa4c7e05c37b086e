"""The audit chain: any change to any entry, or removing one, is found at that entry."""

from hypothesis import given
from hypothesis import strategies as st

from groundswell.core.audit import GENESIS, entry_hash, first_break

fields = st.fixed_dictionaries(
    {
        "action": st.sampled_from(["members.export", "ballot.open", "person.erase"]),
        "rows": st.integers(0, 10**6),
        "target": st.text(max_size=20),
    }
)


def chain(entries):
    out, prev = [], GENESIS
    for i, f in enumerate(entries):
        h = entry_hash(prev, f)
        out.append((i, prev, h, f))
        prev = h
    return out


@given(st.lists(fields, min_size=1, max_size=20))
def test_an_untouched_chain_verifies(entries):
    assert first_break(chain(entries)) == (len(entries), None)


@given(st.lists(fields, min_size=2, max_size=20), st.data())
def test_changing_any_entry_is_found_at_that_entry(entries, data):
    rows = chain(entries)
    i = data.draw(st.integers(0, len(rows) - 1))
    key, prev, h, f = rows[i]
    rows[i] = (key, prev, h, {**f, "rows": f["rows"] + 1})
    _, broken = first_break(rows)
    assert broken.key == i and "changed" in broken.reason


@given(st.lists(fields, min_size=3, max_size=20), st.data())
def test_removing_an_entry_is_found_at_the_next_one(entries, data):
    rows = chain(entries)
    i = data.draw(st.integers(0, len(rows) - 2))
    del rows[i]
    _, broken = first_break(rows)
    assert broken.key == i + 1 and "removed" in broken.reason

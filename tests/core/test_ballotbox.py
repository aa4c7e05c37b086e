"""The ballot box's pure parts: sealing round trips, any k of n shares and no fewer, the
audit re-seal, and the vendored browser module being the one we pinned."""

import hashlib
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from groundswell.core.ballotbox import sealing, shares

KEY = sealing.key_from_secret(b"k" * 32)
INFO = sealing.info_for(7)


@given(
    st.integers(2, 12).flatmap(lambda n: st.tuples(st.just(n), st.permutations(range(n)), st.integers(1, n)))
)
@settings(max_examples=40, deadline=None)
def test_a_sealed_ranking_opens_to_itself_and_every_paper_has_one_length(case):
    n, order, k = case
    ranking = list(order[:k])
    sealed = sealing.seal(KEY.public_bytes, INFO, ranking, n)
    assert len(sealed) == sealing.sealed_length(n)  # the length says nothing of the ranking
    assert sealing.decode_ranking(sealing.open_paper(KEY, INFO, sealed), n) == ranking


def test_a_paper_sealed_for_one_ballot_does_not_open_in_another():
    sealed = sealing.seal(KEY.public_bytes, INFO, [0], 3)
    with pytest.raises(sealing.SealError):
        sealing.open_paper(KEY, sealing.info_for(8), sealed)
    with pytest.raises(sealing.SealError):
        sealing.open_paper(sealing.key_from_secret(b"x" * 32), INFO, sealed)


@given(st.integers(1, 5).flatmap(lambda k: st.tuples(st.just(k), st.integers(k, 7))), st.randoms())
@settings(max_examples=15, deadline=None)
def test_any_k_of_n_shares_rebuild_the_secret_and_fewer_are_refused(kn, rnd):
    k, n = kn
    secret = os.urandom(32)
    words = shares.split(secret, threshold=k, count=n)
    chosen = rnd.sample(words, k) if k > 1 else [words[0]]
    assert shares.combine(chosen) == secret
    if k > 1:
        with pytest.raises(shares.ShareError, match="not enough"):
            shares.combine(chosen[:-1])


def test_a_mistyped_share_or_a_share_of_another_ballot_is_refused_with_a_reason():
    a = shares.split(os.urandom(32), threshold=2, count=3)
    b = shares.split(os.urandom(32), threshold=2, count=3)
    typo = a[1].split()
    typo[4] = "academic" if typo[4] != "academic" else "acid"
    with pytest.raises(shares.ShareError, match="word wrong"):
        shares.combine([a[0], " ".join(typo)])
    with pytest.raises(shares.ShareError, match="do not belong together"):
        shares.combine([a[0], b[1]])
    with pytest.raises(shares.ShareError, match="twice"):
        shares.combine([a[0], a[0].upper()])


def test_an_audit_reseals_the_claimed_ranking_to_the_same_paper_and_no_other():
    ikm = os.urandom(32)
    sealed = sealing.reseal(KEY.public_bytes, INFO, sealing.encode_ranking([2, 0], 3), ikm)
    assert sealing.decode_ranking(sealing.open_paper(KEY, INFO, sealed), 3) == [2, 0]
    ok = sealing.verify_audit(
        public_bytes=KEY.public_bytes, info=INFO, n_candidates=3, ranking=[2, 0], ikm=ikm, sealed=sealed
    )
    assert ok.ok and ok.tracker == hashlib.sha256(sealed).hexdigest()
    assert not sealing.verify_audit(
        public_bytes=KEY.public_bytes, info=INFO, n_candidates=3, ranking=[0, 2], ikm=ikm, sealed=sealed
    ).ok


def test_the_vendored_hpke_module_is_the_pinned_release():
    path = Path(sealing.__file__).parents[2] / "static" / "groundswell" / "vendor" / "hpke-1.1.7.js"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert digest == "8a71aaf734b100b52a4dbaf0d73b33d0108f409c1681829fb3f74de37342914a"


@given(
    n=st.integers(min_value=1, max_value=10**7),
    category=st.text(max_size=30),
    sealed=st.binary(max_size=200),
    hexes=st.lists(st.binary(min_size=32, max_size=32), min_size=3, max_size=3),
)
def test_a_board_line_is_the_json_of_its_entry(n, category, sealed, hexes):
    """Board lines are written directly (half a million at publishing): they must be what
    json.dumps makes of the same object, whatever the category holds."""
    import base64
    import json

    from groundswell.core.ballotbox import board

    tracker, prev, h = (x.hex() for x in hexes)
    entry = board.Entry(n, tracker, category, base64.b64encode(sealed).decode(), prev, h)
    fields = {
        "n": n,
        "tracker": tracker,
        "category": category,
        "sealed": entry.sealed_b64,
        "prev": prev,
        "hash": h,
    }
    assert entry.line() == json.dumps(fields, separators=(",", ":")) + "\n"
    assert entry.sealed == sealed

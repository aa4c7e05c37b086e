"""Trustees, counting with their shares, codes that exist only where they are sent, and
the published board that anyone can verify — and that fails when one paper is touched."""

import base64
import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from groundswell.accounts.models import AuditEvent, Role
from groundswell.ballots import services
from groundswell.ballots.models import Ballot, Elector, PublishedFile, SealedBallot, Trustee
from groundswell.core.ballotbox import board as board_mod
from groundswell.core.ballotbox.verify import verify_board
from tests import factories
from tests.ballots.factories import SHARES, close_and_count, draft_ballot, open_ballot, vote_all


@pytest.fixture
def ro(users):
    return users[Role.RETURNING_OFFICER]


@pytest.fixture
def electorate_of_six(branches, users):
    north, _ = branches
    people = [factories.person(branch=north) for _ in range(4)]
    people.append(factories.person(branch=north, category="registered_supporter"))
    return people


@pytest.fixture
def three_trustees(ro, users):
    return [ro, users[Role.NATIONAL_ADMIN], users[Role.BRANCH_ORGANISER]]


def _two_of_three(ro, trustees, rankings=((0, 1), (1,), (2, 0), (1, 2))):
    from django.utils import timezone

    now = timezone.now()
    ballot = services.ballot_create(
        actor=ro,
        title="NEC",
        method="irv",
        seats=1,
        candidates=["Ann", "Bob", "Cat"],
        eligible_categories=["member"],
        freeze_date=now.date(),
        opens_at=now - timezone.timedelta(hours=1),
        closes_at=now + timezone.timedelta(days=1),
        trustees=[t.email for t in trustees],
        threshold=2,
    )
    ballot = open_ballot(ballot)
    vote_all(ballot, rankings)
    services.ballot_close(ballot=ballot, actor=ro, confirm=True)
    return Ballot.objects.get(pk=ballot.pk)


def test_two_of_three_shares_count_and_one_or_a_wrong_one_is_refused_changing_nothing(
    ro, three_trustees, branches
):
    north, _ = branches
    for _ in range(4):
        factories.person(branch=north)
    ballot = _two_of_three(ro, three_trustees)
    shares = SHARES[ballot.pk]
    assert len(shares) == 3 and len(set(shares)) == 3
    assert Trustee.objects.filter(ballot=ballot, share_pending__isnull=True).count() == 3  # all taken
    with pytest.raises(services.BallotError, match="2 trustees' shares are needed"):
        services.ballot_count(ballot_id=ballot.pk, shares_given=shares[:1], actor=ro)
    other = _two_of_three(ro, three_trustees)
    with pytest.raises(services.BallotError, match="not one of this ballot's shares"):
        services.ballot_count(ballot_id=ballot.pk, shares_given=[shares[0], SHARES[other.pk][1]], actor=ro)
    typo = shares[1].split()
    typo[7] = "zero" if typo[7] != "zero" else "acid"
    with pytest.raises(services.BallotError, match="not one of this ballot's shares"):
        services.ballot_count(ballot_id=ballot.pk, shares_given=[shares[0], " ".join(typo)], actor=ro)
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.CLOSED and not ballot.papers.exists() and ballot.result is None
    counted = services.ballot_count(ballot_id=ballot.pk, shares_given=[shares[2], shares[0]], actor=ro)
    assert counted.status == Ballot.Status.COUNTED and counted.result["valid"] == 4


def test_a_stranger_cannot_take_a_share_and_a_trustee_takes_theirs_only_once(ro, users, three_trustees):
    from tests.ballots.factories import draft_ballot as draft

    ballot = draft(ro)
    Trustee.objects.filter(ballot=ballot).delete()
    for i, t in enumerate(three_trustees, 1):
        Trustee.objects.create(ballot=ballot, user=t, index=i)
    Ballot.objects.filter(pk=ballot.pk).update(threshold=2)
    ballot.refresh_from_db()
    services.ballot_open_start(ballot=ballot, actor=ro)
    with pytest.raises(services.BallotError, match="not a trustee"):
        services.share_download(ballot=ballot, user=users[Role.MEMBER])
    first = services.share_download(ballot=ballot, user=users[Role.NATIONAL_ADMIN])
    assert len(first["share"].split()) == 33 and first["trustee"] == 2
    with pytest.raises(services.BallotError, match="no longer holds it"):
        services.share_download(ballot=ballot, user=users[Role.NATIONAL_ADMIN])
    assert AuditEvent.objects.filter(action="ballot.share_downloaded").count() == 1


def test_codes_exist_only_in_what_carries_them_and_a_reissue_kills_the_old_one(ro, users, branches, client):
    north, _ = branches
    factories.person(branch=north, email="")
    ballot = open_ballot(draft_ballot(ro))
    emailed = {m.to[0]: m.body for m in mail.outbox}
    member = users[Role.MEMBER]
    old = next(
        line.split(": ")[1] for line in emailed[member.person.email].splitlines() if "voting code" in line
    )
    assert services.elector_for_code(old).person_id == member.person.pk
    assert not Elector.objects.filter(code_hash__icontains=old.replace("-", "")).exists()
    elector = Elector.objects.get(ballot=ballot, person=member.person)
    _, new = services.code_reissue(ballot=ballot, elector_id=elector.pk, actor=ro)
    assert services.elector_for_code(old) is None and services.elector_for_code(new).pk == elector.pk
    assert AuditEvent.objects.filter(action="ballot.code_reissued").exists()
    services.ballot_cast(credential=new, ranking=[0])
    with pytest.raises(services.BallotError, match="already voted"):
        services.code_reissue(ballot=ballot, elector_id=elector.pk, actor=ro)
    # postal codes are made when printed, once, and audited
    client.force_login(ro)
    first = client.post(f"/ballots/{ballot.pk}/postal.csv")
    rows = first.content.decode().splitlines()
    assert len(rows) == 2 and services.elector_for_code(rows[1].split(",")[4]) is not None
    second = client.post(f"/ballots/{ballot.pk}/postal.csv")
    assert len(second.content.decode().splitlines()) == 1  # nobody new: no code made twice
    assert AuditEvent.objects.filter(action="ballot.postal_codes").count() == 2


def _publish_to(ballot, ro, directory):
    services.ballot_publish(ballot=ballot, actor=ro, confirm=True)
    directory.mkdir()
    for f in PublishedFile.objects.filter(ballot=ballot):
        (directory / f.name).write_bytes(bytes(f.content))
    return directory


def test_the_verifier_passes_a_published_ballot_and_fails_one_paper_changed_added_or_removed(
    ro, electorate_of_six, tmp_path
):
    ballot = open_ballot(draft_ballot(ro, categories=("member", "registered_supporter")))
    trackers = vote_all(ballot, [(0, 1), (1, 2), (2, 1), (1,), (0, 2, 1), (1, 0)])
    close_and_count(ballot, ro)
    good = _publish_to(ballot, ro, tmp_path / "good")
    report = verify_board(good, tracker_to_find=trackers[3])
    assert report.ok, [x for x in report.lines() if x.startswith("FAIL")]
    call_command("verify", str(good))  # the CLI agrees

    lines = (good / "board.jsonl").read_text().splitlines(keepends=True)
    other_ballot = open_ballot(draft_ballot(ro, title="Other"))
    foreign = SealedBallot(
        ballot=other_ballot,
        sealed=bytes(SealedBallot.objects.filter(ballot=ballot).first().sealed),
        tracker="f" * 64,
    )

    def tampered(name, new_lines):
        d = tmp_path / name
        d.mkdir()
        for f in good.iterdir():
            (d / f.name).write_bytes(f.read_bytes())
        (d / "board.jsonl").write_text("".join(new_lines))
        return verify_board(d)

    entry = json.loads(lines[2])
    raw = bytearray(base64.b64decode(entry["sealed"]))
    raw[-1] ^= 1
    entry["sealed"] = base64.b64encode(bytes(raw)).decode()
    changed = [*lines[:2], json.dumps(entry) + "\n", *lines[3:]]
    assert not tampered("changed", changed).ok
    removed = lines[:2] + lines[3:]
    assert not tampered("removed", removed).ok
    extra = board_mod.Entry(
        0, foreign.tracker, "member", base64.b64encode(bytes(foreign.sealed)).decode(), "", ""
    ).line()
    assert not tampered("added", [*lines, extra]).ok
    # a re-hashed forgery: the chain is rebuilt around the change, but not the manifest's head
    triples = [
        (json.loads(x)["tracker"], json.loads(x)["category"], base64.b64decode(json.loads(x)["sealed"]))
        for x in lines
    ]
    triples.pop(1)
    first = board_mod.genesis(ballot.pk, ballot.key_fingerprint)
    forged = [e.line() for e in board_mod.chain(first, triples)]
    report = tampered("rechained", forged)
    assert not report.ok and any("head" in line for line in report.lines() if line.startswith("FAIL"))
    with pytest.raises(CommandError):
        call_command("verify", str(tmp_path / "removed"))


def test_count_ballot_cli_counts_with_share_files(ro, three_trustees, branches, tmp_path):
    north, _ = branches
    for _ in range(3):
        factories.person(branch=north)
    ballot = _two_of_three(ro, three_trustees, rankings=((2,), (2, 1), (0,)))
    files = []
    for i, share in enumerate(SHARES[ballot.pk][:2]):
        path = tmp_path / f"share{i}.json"
        path.write_text(json.dumps({"share": share}))
        files += ["--share", str(path)]
    with pytest.raises(CommandError, match="needed"):
        call_command("count_ballot", str(ballot.pk), *files[:2])
    call_command("count_ballot", str(ballot.pk), *files)
    assert Ballot.objects.get(pk=ballot.pk).result["winners"] == ["Cat"]


def test_published_files_stream_with_etag_and_byte_ranges(ro, electorate_of_six, client, monkeypatch):
    from groundswell.ballots.services import publishing

    monkeypatch.setattr(publishing, "CHUNK", 64)  # many chunks even for a small ballot
    ballot = open_ballot(draft_ballot(ro, categories=("member", "registered_supporter")))
    vote_all(ballot, [(0, 1), (1, 2), (2, 1), (1,), (0, 2, 1)])
    close_and_count(ballot, ro)
    services.ballot_publish(ballot=ballot, actor=ro, confirm=True)
    f = PublishedFile.objects.get(ballot=ballot, name="board.jsonl")
    assert f.chunks.count() > 3
    whole = client.get(f"/ballots/{ballot.pk}/files/board.jsonl")
    body = b"".join(whole.streaming_content)
    assert body == f.content and len(body) == f.size and whole["ETag"] == f'"{f.sha256}"'
    assert (
        client.get(f"/ballots/{ballot.pk}/files/board.jsonl", HTTP_IF_NONE_MATCH=whole["ETag"]).status_code
        == 304
    )
    part = client.get(f"/ballots/{ballot.pk}/files/board.jsonl", HTTP_RANGE="bytes=100-299")
    assert part.status_code == 206 and b"".join(part.streaming_content) == body[100:300]
    assert part["Content-Range"] == f"bytes 100-299/{f.size}"
    tail = client.get(f"/ballots/{ballot.pk}/files/board.jsonl", HTTP_RANGE="bytes=-10")
    assert b"".join(tail.streaming_content) == body[-10:]
    assert (
        client.get(f"/ballots/{ballot.pk}/files/board.jsonl", HTTP_RANGE=f"bytes={f.size + 5}-").status_code
        == 416
    )


def test_an_opening_cut_short_resumes_and_adds_only_the_missing_electors(ro, electorate_of_six, monkeypatch):
    from groundswell.ballots.services import setup

    monkeypatch.setattr(setup, "OPEN_BATCH", 2)
    ballot = draft_ballot(ro, categories=("member", "registered_supporter"))
    services.ballot_open_start(ballot=ballot, actor=ro)
    calls = []

    def crash_after_first_batch(done, total):
        calls.append(done)
        raise KeyboardInterrupt("the worker was killed")

    with pytest.raises(KeyboardInterrupt):
        services.ballot_open(ballot_id=ballot.pk, progress=crash_after_first_batch)
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.OPENING and Elector.objects.filter(ballot=ballot).count() == 2
    assert ballot.count_progress["opening"]["done"] == 2
    again = services.ballot_open(ballot_id=ballot.pk)
    assert again.status == Ballot.Status.OPEN
    assert (
        again.electorate_size == Elector.objects.filter(ballot=ballot).count() == 6
    )  # 5 + the member from users
    assert again.electorate_by_category == {"member": 5, "registered_supporter": 1}


def test_a_cast_in_flight_when_the_ballot_closes_is_refused_so_the_close_totals_are_final(
    ro, electorate_of_six
):
    ballot = open_ballot(draft_ballot(ro))
    vote_all(ballot, [(0,), (1,)])
    late = Elector.objects.select_related("ballot").filter(ballot=ballot).order_by("-pk").first()
    assert late.ballot.is_accepting_votes()  # it read the ballot while it was open...
    services.ballot_close(ballot=ballot, actor=ro, confirm=True)
    with pytest.raises(services.BallotError, match="not open"):
        services.ballot_cast(elector=late, ranking=[0])  # ...and commits after the close
    ballot.refresh_from_db()
    assert (
        ballot.voted_by_category == {"member": 2} and SealedBallot.objects.filter(ballot=ballot).count() == 2
    )


def test_an_officer_reissues_a_lost_code_by_email_or_for_printing(ro, users, branches, client):
    north, _ = branches
    postal = factories.person(branch=north, email="")
    ballot = open_ballot(draft_ballot(ro))
    client.force_login(ro)
    member = users[Role.MEMBER].person
    mail.outbox.clear()
    client.post(f"/ballots/{ballot.pk}/reissue/", {"who": member.email})
    (message,) = mail.outbox
    new = next(
        line.split(": ")[1] for line in message.body.splitlines() if line.startswith("Your voting code")
    )
    assert "no longer works" in message.body and services.elector_for_code(new).person_id == member.pk
    number = postal.memberships.first().membership_number
    page = client.post(f"/ballots/{ballot.pk}/reissue/", {"who": number})
    import re as _re

    printed = _re.search(r'data-testid="reissued-code">([A-Z0-9-]+)<', page.content.decode()).group(1)
    assert services.elector_for_code(printed).person_id == postal.pk and page["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(action="ballot.code_reissued").count() == 2


def _sealed_for(ballot, ranking_json: bytes):
    from groundswell.core.ballotbox import sealing

    n = ballot.candidates.count()
    plaintext = ranking_json.ljust(sealing.padded_length(n), b" ")
    from cryptography.hazmat.primitives import hpke

    suite = hpke.Suite(hpke.KEM.P256, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_128_GCM)
    return suite.encrypt(
        plaintext, sealing.public_key(bytes(ballot.public_key)), info=sealing.info_for(ballot.pk)
    )


@pytest.mark.parametrize("crafted", [b"[7]", b"[-1]", b"[]", b"[0,0]", b'"x"'])
def test_a_crafted_sealed_paper_is_an_invalid_paper_and_the_ballot_still_publishes_and_verifies(
    ro, electorate_of_six, tmp_path, crafted
):
    ballot = open_ballot(draft_ballot(ro))
    vote_all(ballot, [(0,), (1, 2)])
    evil = Elector.objects.filter(ballot=ballot).order_by("-pk").first()
    services.ballot_cast(elector=evil, sealed=_sealed_for(ballot, crafted))
    counted = close_and_count(ballot, ro)
    assert counted.result["valid"] == 2 and counted.result["invalid"] == 1
    directory = _publish_to(counted, ro, tmp_path / "pub")
    assert verify_board(directory).ok


def test_an_audited_paper_cannot_pass_for_another_ranking_by_relabelling_the_candidates(
    ro, electorate_of_six, client, tmp_path
):
    from groundswell.core.ballotbox import sealing
    from groundswell.core.ballotbox.verify import verify_audit_file

    ballot = open_ballot(draft_ballot(ro))
    ikm = bytes(range(32))
    sealed = sealing.reseal(
        bytes(ballot.public_key), sealing.info_for(ballot.pk), sealing.encode_ranking([1], 3), ikm
    )
    paper = {
        "ballot": ballot.pk,
        "candidates": ["Bob", "Ann", "Cat"],  # a cheating page swapped the names: it sealed Bob
        "public_key": bytes(ballot.public_key).hex(),
        "info": sealing.info_for(ballot.pk).decode(),
        "ranking": [0],
        "ephemeral_ikm": ikm.hex(),
        "sealed": base64.b64encode(sealed).decode(),
        "tracker": sealing.tracker(sealed),
    }
    page = client.post(f"/ballots/{ballot.pk}/audit/", {"paper": json.dumps(paper)})
    assert page.status_code == 422 and "other candidates" in page.content.decode()
    path = tmp_path / "audited.json"
    path.write_text(json.dumps(paper))
    report = verify_audit_file(path, candidates=["Ann", "Bob", "Cat"], key_fingerprint=ballot.key_fingerprint)
    assert not report.ok
    assert not verify_audit_file(
        path, candidates=None, key_fingerprint=None
    ).ok  # the paper's own list proves nothing
    paper["candidates"], paper["ranking"] = ["Ann", "Bob", "Cat"], [1]
    path.write_text(json.dumps(paper))
    honest = verify_audit_file(path, candidates=["Ann", "Bob", "Cat"], key_fingerprint=ballot.key_fingerprint)
    assert honest.ok and "1. Bob" in honest.lines()[-1]
    assert client.post(f"/ballots/{ballot.pk}/audit/", {"paper": "[" * 100_000}).status_code == 422


def test_all_three_trustees_may_give_their_shares(ro, three_trustees, branches):
    north, _ = branches
    for _ in range(2):
        factories.person(branch=north)
    ballot = _two_of_three(ro, three_trustees, rankings=((0,), (1,)))
    counted = services.ballot_count(ballot_id=ballot.pk, shares_given=SHARES[ballot.pk], actor=ro)
    assert counted.status == Ballot.Status.COUNTED


def test_a_count_that_fails_while_storing_is_marked_failed_and_another_may_start(
    ro, three_trustees, branches, monkeypatch
):
    from groundswell.ballots.services import counting

    north, _ = branches
    factories.person(branch=north)
    ballot = _two_of_three(ro, three_trustees, rankings=((0,),))

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(counting, "_write_papers", broken)
    with pytest.raises(RuntimeError):
        services.ballot_count(ballot_id=ballot.pk, shares_given=SHARES[ballot.pk][:2], actor=ro)
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.CLOSED and ballot.count_progress["state"] == "failed"
    assert not ballot.papers.exists()
    monkeypatch.undo()
    assert (
        services.ballot_count(ballot_id=ballot.pk, shares_given=SHARES[ballot.pk][:2], actor=ro).status
        == "counted"
    )


def test_a_board_rewritten_whole_fails_against_the_announced_head(ro, electorate_of_six, tmp_path):
    ballot = open_ballot(draft_ballot(ro))
    vote_all(ballot, [(0,), (1,), (2,)])
    close_and_count(ballot, ro)
    good = _publish_to(ballot, ro, tmp_path / "good")
    ballot.refresh_from_db()
    manifest = json.loads((good / "manifest.json").read_text())
    assert verify_board(good, head=ballot.board_head, key_fingerprint=ballot.key_fingerprint).ok
    manifest["board"]["head"] = "0" * 64
    (good / "manifest.json").write_text(json.dumps(manifest))
    assert not verify_board(good, head=ballot.board_head).ok


def test_a_category_too_small_to_show_apart_is_folded_so_its_voters_papers_are_not_exposed(
    ro, branches, tmp_path
):
    from groundswell.ballots.models import Paper
    from groundswell.ballots.services.counting import fold_small_categories

    north, _ = branches
    for _ in range(11):
        factories.person(branch=north)
    lone = factories.person(branch=north, category="registered_supporter")
    ballot = open_ballot(draft_ballot(ro, categories=("member", "registered_supporter")))
    supporter = Elector.objects.get(ballot=ballot, person=lone)
    vote_all(ballot, [(0,)] * 12)
    services.ballot_cast(elector=Elector.objects.select_related("ballot").get(pk=supporter.pk), ranking=[2])
    counted = close_and_count(ballot, ro)
    assert counted.result["category_map"] == {"registered_supporter": "member"}
    assert set(counted.result["by_category"]) == {"member"}
    assert set(Paper.objects.filter(ballot=ballot).values_list("category", flat=True)) == {"member"}
    directory = _publish_to(counted, ro, tmp_path / "pub")
    assert "registered_supporter" not in (directory / "ballots.csv").read_text()
    assert verify_board(directory).ok
    # two small categories of 6 together are enough to be shown as "other"
    assert fold_small_categories([("a", ())] * 20 + [("b", ())] * 6 + [("c", ())] * 6) == {
        "b": "other",
        "c": "other",
    }


def test_the_verify_command_takes_the_options_the_pages_print(ro, electorate_of_six, tmp_path, capsys):
    """The README, the audit panel and the results page tell people to run these very lines."""
    from groundswell.core.ballotbox import sealing

    ballot = open_ballot(draft_ballot(ro))
    ikm = bytes(range(32))
    sealed = sealing.reseal(
        bytes(ballot.public_key), sealing.info_for(ballot.pk), sealing.encode_ranking([2, 0], 3), ikm
    )
    paper = {
        "ballot": ballot.pk,
        "candidates": ["Ann", "Bob", "Cat"],
        "public_key": bytes(ballot.public_key).hex(),
        "info": sealing.info_for(ballot.pk).decode(),
        "ranking": [2, 0],
        "ephemeral_ikm": ikm.hex(),
        "sealed": base64.b64encode(sealed).decode(),
        "tracker": sealing.tracker(sealed),
    }
    path = tmp_path / "audited-paper.json"
    path.write_text(json.dumps(paper))
    call_command(
        "verify", str(path), "--candidates", "Ann,Bob,Cat", "--key-fingerprint", ballot.key_fingerprint
    )
    assert "1. Cat, 2. Ann" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("verify", str(path))  # without the ballot's own names and key: not verified
    vote_all(ballot, [(0,), (1,)])
    close_and_count(ballot, ro)
    directory = _publish_to(ballot, ro, tmp_path / "pub")
    ballot.refresh_from_db()
    call_command(
        "verify", str(directory), "--head", ballot.board_head, "--key-fingerprint", ballot.key_fingerprint
    )
    with pytest.raises(CommandError):
        call_command("verify", str(directory), "--head", "0" * 64)
    from groundswell.core.ballotbox.verify import main

    assert main([str(path), "--candidates", "Ann,Bob,Cat", "--key-fingerprint", ballot.key_fingerprint]) == 0

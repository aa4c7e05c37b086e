"""Full registers and monthly updates: an update touches only its rows, and a full register
that would mark more than a few per cent of the seat as left asks first.

The adversary is the stray file: electoral services send a full revised register each
December and monthly update files (additions, changes, deletions) in between. Imported as a
full register, a two-row update file marked 70,091 electors as left.
"""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from groundswell.accounts.models import Role
from groundswell.accounts.policies import NeedsConfirmation
from groundswell.core.formats.register_csv import HEADER, UPDATE_HEADER, RegisterReader
from groundswell.groundgame.importing import register_import
from groundswell.groundgame.models import Constituency, Elector
from groundswell.members.models import ImportJob

N = 60


@pytest.fixture
def seat(branches):
    north, _ = branches
    return Constituency.objects.create(
        ons_code="E14000662", name="Derby North", latitude=52.92, longitude=-1.52, branch=north
    )


def row(number, first, last, line1, district="NA1"):
    return [district, str(number), "", "", "", first, last, line1, "Derby", "", "", "DE22 1AB", "", ""]


def full_rows(n=N):
    return [row(i, f"First{i}", f"Last{i}", f"{i} High Street") for i in range(1, n + 1)]


def write(path, rows, header=HEADER):
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.fixture
def registered(tmp_path, seat):
    result = register_import(constituency=seat, path=write(tmp_path / "full.csv", full_rows()), mode="full")
    assert result.ok and result.new_electors == N
    return seat


def update_file(tmp_path, rows, name="update.csv"):
    return write(tmp_path / name, rows, header=UPDATE_HEADER)


def snapshot():
    return {
        e.elector_number: (e.first_name, e.last_name, e.household.address_1, e.left_on, e.register_version)
        for e in Elector.objects.select_related("household")
    }


# -- the file ---------------------------------------------------------------------------------


def test_the_change_column_takes_letters_words_and_the_idox_signs():
    text = "\n".join(
        [
            ",".join(UPDATE_HEADER),
            "A,NA1,1,,,,Ann,Smith,1 High St,Derby,,,DE22 1AB,,",
            "+Feb,NA1,2,,,,Bob,Smith,1 High St,Derby,,,DE22 1AB,,",
            "=Mar,NA1,3,,,,Cy,Jones,2 High St,Derby,,,DE22 1AB,,",
            "amendment,NA1,4,,,,Di,Jones,2 High St,Derby,,,DE22 1AB,,",
            "-,NA1,5" + "," * 12,
            "Deletion,NA1,6" + "," * 12,
            "X,NA1,7,,,,Ed,Jones,2 High St,Derby,,,DE22 1AB,,",
        ]
    )
    reader = RegisterReader(io.StringIO(text), update=True)
    rows = list(reader)
    assert [r.change for r in rows] == ["A", "A", "C", "C", "D", "D"]
    assert [(e.line, e.column) for e in reader.errors] == [(8, "change")]


def test_a_file_with_the_wrong_header_for_its_mode_says_which_mode_it_looks_like():
    full = RegisterReader(io.StringIO(",".join(UPDATE_HEADER) + "\n"))
    list(full)
    assert "monthly update" in full.errors[0].message and full.errors[0].line == 1
    update = RegisterReader(io.StringIO(",".join(HEADER) + "\n"), update=True)
    list(update)
    assert "change" in update.errors[0].message and update.errors[0].line == 1


# -- the import -------------------------------------------------------------------------------


def test_a_monthly_update_changes_only_its_own_rows(tmp_path, registered):
    before = snapshot()
    result = register_import(
        constituency=registered,
        mode="update",
        path=update_file(
            tmp_path,
            [
                ["A", *row("61", "New", "Neighbour", "61 High Street")],
                ["C", *row("2", "First2", "Married-Name", "2 High Street")],
                ["C", *row("3", "First3", "Last3", "9 Other Road")],  # moved within the seat
                ["D", "NA1", "4", *[""] * 12],
            ],
        ),
    )
    assert result.ok, result.errors
    assert (result.new_electors, result.updated_electors, result.left) == (1, 2, 1)
    after = snapshot()
    assert len(after) == N + 1
    untouched = set(before) - {"2", "3", "4"}
    assert all(after[k] == before[k] for k in untouched)  # the other 57 are exactly as they were
    assert after["2"][1] == "Married-Name" and after["3"][2] == "9 Other Road"
    assert after["4"][3] is not None and after["61"][:2] == ("New", "Neighbour")
    assert Elector.objects.filter(left_on__isnull=True).count() == N


def test_deleting_an_elector_who_is_not_on_the_register_is_a_row_error_and_nothing_changes(
    tmp_path, registered
):
    before = snapshot()
    result = register_import(
        constituency=registered,
        mode="update",
        path=update_file(
            tmp_path,
            [
                ["A", *row("61", "New", "Neighbour", "61 High Street")],
                ["D", "NA1", "999", *[""] * 12],
                ["C", *row("998", "Nobody", "Known", "1 High Street")],
                ["A", *row("5", "Already", "There", "5 High Street")],
            ],
        ),
    )
    assert not result.ok
    assert [(e.line, e.column) for e in result.errors] == [
        (3, "elector_number"),
        (4, "elector_number"),
        (5, "elector_number"),
    ]
    assert "NA1-999 is not on the register" in result.errors[0].message
    assert snapshot() == before  # all or nothing: the good addition is not made either


def test_deleting_someone_already_marked_as_left_is_a_row_error(tmp_path, registered):
    ok = register_import(
        constituency=registered, mode="update", path=update_file(tmp_path, [["D", "NA1", "4", *[""] * 12]])
    )
    assert ok.ok and ok.left == 1
    again = register_import(
        constituency=registered,
        mode="update",
        path=update_file(tmp_path, [["D", "NA1", "4", *[""] * 12]], name="again.csv"),
    )
    assert not again.ok and "already left" in again.errors[0].message


def test_a_two_row_file_imported_as_a_full_register_asks_before_marking_the_rest_as_left(
    tmp_path, registered
):
    before = snapshot()
    path = write(tmp_path / "two.csv", full_rows(2))
    with pytest.raises(NeedsConfirmation) as refused:
        register_import(constituency=registered, path=path, mode="full")
    c = refused.value.consequences
    assert (c["leaving"], c["electors"]) == (N - 2, N) and len(c["sample"]) == 10
    assert "First3 Last3" in c["sample"]
    assert "58 of 60" in refused.value.message
    assert snapshot() == before  # nothing marked, nothing versioned
    result = register_import(constituency=registered, path=path, mode="full", confirm=True)
    assert result.ok and result.left == N - 2


def test_a_full_register_with_a_few_leavers_needs_no_confirmation(tmp_path, registered):
    result = register_import(
        constituency=registered, path=write(tmp_path / "v2.csv", full_rows(N - 3)), mode="full"
    )
    assert result.ok and result.left == 3  # 5 %: the December register, as expected


# -- the command line -------------------------------------------------------------------------


def test_the_command_needs_a_mode(tmp_path, registered):
    with pytest.raises(CommandError):
        call_command(
            "import_register", str(write(tmp_path / "f.csv", full_rows())), "--constituency", "E14000662"
        )


def test_the_command_refuses_many_leavers_without_a_terminal_and_imports_with_confirm(
    tmp_path, registered, monkeypatch
):
    path = str(write(tmp_path / "two.csv", full_rows(2)))
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # no one to ask
    with pytest.raises(CommandError, match="58 of 60"):
        call_command("import_register", path, "--constituency", "E14000662", "--mode", "full", "--quiet")
    assert not Elector.objects.filter(left_on__isnull=False).exists()
    out = io.StringIO()
    call_command(
        "import_register",
        path,
        "--constituency",
        "E14000662",
        "--mode",
        "full",
        "--confirm",
        "--quiet",
        stdout=out,
    )
    assert (
        Elector.objects.filter(left_on__isnull=False).count() == N - 2
        and "58 marked as left" in out.getvalue()
    )


def test_the_command_prompt_defaults_to_no(tmp_path, registered, monkeypatch):
    path = str(write(tmp_path / "two.csv", full_rows(2)))
    monkeypatch.setattr("sys.stdin", io.StringIO("\n"))
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    with pytest.raises(CommandError, match=r"(?i)nothing was imported"):
        call_command("import_register", path, "--constituency", "E14000662", "--mode", "full", "--quiet")
    assert not Elector.objects.filter(left_on__isnull=False).exists()
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    call_command("import_register", path, "--constituency", "E14000662", "--mode", "full", "--quiet")
    assert Elector.objects.filter(left_on__isnull=False).count() == N - 2


def test_the_command_imports_a_monthly_update(tmp_path, registered):
    path = str(update_file(tmp_path, [["D", "NA1", "4", *[""] * 12]]))
    call_command("import_register", path, "--constituency", "E14000662", "--mode", "update", "--quiet")
    assert list(Elector.objects.filter(left_on__isnull=False).values_list("elector_number", flat=True)) == [
        "4"
    ]


# -- the page and the API ---------------------------------------------------------------------


def upload(path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv")


def test_the_page_needs_a_mode_and_a_confirmation_for_many_leavers(
    tmp_path, registered, client_as, django_capture_on_commit_callbacks
):
    client = client_as(Role.BRANCH_ORGANISER)
    two = write(tmp_path / "two.csv", full_rows(2))
    page = client.post("/register/E14000662/", {"file": upload(two)})
    assert page.status_code == 200 and "full register or a monthly update" in page.content.decode()
    assert not ImportJob.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/register/E14000662/", {"file": upload(two), "mode": "full"})
    job = ImportJob.objects.get()
    response = client.get(f"/register/E14000662/imports/{job.pk}/")
    text = response.content.decode()
    assert (
        "58 of the 60 electors" in text and "First3 Last3" in text and 'data-testid="confirm-import"' in text
    )
    assert not Elector.objects.filter(left_on__isnull=False).exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/register/E14000662/imports/{job.pk}/confirm/")
    done = client.get(f"/register/E14000662/imports/{job.pk}/")
    assert "58 marked as left" in done.content.decode()
    assert Elector.objects.filter(left_on__isnull=False).count() == N - 2


def test_the_page_imports_a_monthly_update(
    tmp_path, registered, client_as, django_capture_on_commit_callbacks
):
    client = client_as(Role.BRANCH_ORGANISER)
    path = update_file(tmp_path, [["D", "NA1", "4", *[""] * 12]])
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/register/E14000662/", {"file": upload(path), "mode": "update"})
    response = client.get(f"/register/E14000662/imports/{ImportJob.objects.get().pk}/")
    assert "1 marked as left" in response.content.decode()
    assert Elector.objects.filter(left_on__isnull=False).count() == 1


def test_only_a_job_waiting_for_confirmation_can_be_confirmed(
    tmp_path, registered, client_as, django_capture_on_commit_callbacks
):
    client = client_as(Role.BRANCH_ORGANISER)
    path = update_file(tmp_path, [["D", "NA1", "4", *[""] * 12]])
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/register/E14000662/", {"file": upload(path), "mode": "update"})
    job = ImportJob.objects.get()
    assert client.post(f"/register/E14000662/imports/{job.pk}/confirm/").status_code == 409


def test_the_api_needs_a_mode_and_an_explicit_confirm(tmp_path, registered, client_as, monkeypatch):
    # the import runs as the request commits (an immediate task backend), as outside tests
    monkeypatch.setattr("django.db.transaction.on_commit", lambda f, using=None, robust=False: f())
    client = client_as(Role.BRANCH_ORGANISER)
    two = write(tmp_path / "two.csv", full_rows(2))
    assert client.post("/api/register/E14000662/import", {"file": upload(two)}).status_code == 422
    refused = client.post("/api/register/E14000662/import", {"file": upload(two), "mode": "full"})
    assert refused.status_code == 428
    body = refused.json()
    assert body["code"] == "register.many_leavers" and body["consequences"]["leaving"] == N - 2
    assert not Elector.objects.filter(left_on__isnull=False).exists()
    done = client.post(
        "/api/register/E14000662/import", {"file": upload(two), "mode": "full", "confirm": "true"}
    )
    assert done.status_code == 200 and done.json()["summary"]["left"] == N - 2
    update = update_file(tmp_path, [["C", *row("2", "First2", "Renamed", "2 High Street")]])
    changed = client.post("/api/register/E14000662/import", {"file": upload(update), "mode": "update"})
    assert changed.status_code == 200 and changed.json()["summary"]["updated_electors"] == 1

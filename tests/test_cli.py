"""The `groundswell` command line as a user meets it: Groundswell's own commands, grouped;
`--help`, `--version` and `count` write nothing into the directory they run in, and
`count` runs without Django; the README's command table is what `--help` prints."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from groundswell import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
BLT = '3 1\n4 1 2 0\n3 2 0\n2 3 1 0\n0\n"Ann"\n"Bob"\n"Cat"\n"Test"\n'


def groundswell(*args: str, cwd: Path, home: Path | None = None) -> subprocess.CompletedProcess:
    """Runs the console script as a user would: in `cwd`, no GROUNDSWELL_HOME, no settings
    (and `home` as $HOME when given). The package is this checkout's, not whichever copy is
    installed in the environment (which, in a worktree, is another branch's)."""
    env = {k: v for k, v in os.environ.items() if k not in {"GROUNDSWELL_HOME", "DJANGO_SETTINGS_MODULE"}}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), *filter(None, [env.get("PYTHONPATH")])])
    if home is not None:
        env["HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "groundswell.cli", *args], cwd=cwd, env=env, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("--version",),
        ("help", "cut-turfs"),
        ("cut-turfs", "--help"),
        ("cut-turfs", "--version"),
        ("admin", "help", "migrate"),
    ],
)
def test_help_and_version_write_nothing_where_they_run(tmp_path, args):
    """Before: `groundswell --help` created ./var/secret_key and ./var/static wherever it ran.
    Nor do they write into the user's home directory (caches, config)."""
    work, home = tmp_path / "work", tmp_path / "home"
    work.mkdir()
    home.mkdir()
    proc = groundswell(*args, cwd=work, home=home)
    assert proc.returncode == 0, proc.stderr
    assert list(work.iterdir()) == [] and list(home.iterdir()) == []


def test_version_is_groundswells_not_djangos(tmp_path):
    from importlib.metadata import version

    assert groundswell("--version", cwd=tmp_path).stdout == f"groundswell {version('groundswell')}\n"


def test_help_lists_groundswells_commands_in_groups_not_djangos(tmp_path):
    out = groundswell("--help", cwd=tmp_path).stdout
    for heading in ("Members:", "Ballots:", "Ground game:", "Operations:", "Framework:"):
        assert heading in out
    for django_only in ("squashmigrations", "startapp", "runserver_nostatic", "[auth]"):
        assert django_only not in out
    assert re.search(r"^  cut-turfs +Cut a constituency", out, re.M)


def test_hyphenated_names_work_everywhere(tmp_path):
    proc = groundswell("help", "cut-turfs", cwd=tmp_path)
    assert proc.returncode == 0 and "usage: groundswell cut-turfs" in proc.stdout
    assert "cut-turfs" in groundswell("completion", "bash", cwd=tmp_path).stdout


def test_djangos_commands_are_reachable_under_admin(tmp_path):
    proc = groundswell("admin", "check", cwd=tmp_path)
    assert proc.returncode == 0 and "no issues" in proc.stdout
    proc = groundswell("migrate", cwd=tmp_path)
    assert proc.returncode == 2 and "groundswell admin migrate" in proc.stderr


def test_count_runs_without_django_and_writes_nothing(tmp_path):
    (tmp_path / "in").mkdir()
    path = tmp_path / "in" / "ballots.blt"
    path.write_text(BLT)
    code = (
        "import sys; from groundswell.cli import run; code = run(['count', sys.argv[1], '--json']); "
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'; "
        "sys.exit(code)"
    )
    work = tmp_path / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in {"GROUNDSWELL_HOME", "DJANGO_SETTINGS_MODULE"}}
    env["PYTHONPATH"] = str(ROOT / "src")  # this checkout's package
    proc = subprocess.run(
        [sys.executable, "-c", code, str(path)], cwd=work, env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert '"winners": ["Ann"]' in proc.stdout
    assert list(work.iterdir()) == []


def test_count_with_no_valid_papers_says_so_and_fails(tmp_path):
    path = tmp_path / "empty.blt"
    path.write_text('2 1\n3 3 0\n0\n"A"\n"B"\n"t"\n')
    proc = groundswell("count", str(path), cwd=tmp_path)
    assert proc.returncode == 1 and "nobody is elected" in proc.stderr


def test_count_refuses_zero_seats(tmp_path):
    path = tmp_path / "b.blt"
    path.write_text(BLT)
    proc = groundswell("count", str(path), "--seats", "0", cwd=tmp_path)
    assert proc.returncode == 2 and "--seats: must be at least 1" in proc.stderr


def test_count_refuses_a_bad_file_naming_file_line_and_reason(tmp_path):
    path = tmp_path / "b.blt"
    path.write_text('2 1\n1 1 x 0\n0\n"A"\n"B"\n"t"\n')
    proc = groundswell("count", str(path), cwd=tmp_path)
    assert proc.returncode == 1 and f"{path}: line 2: not whole numbers" in proc.stderr


def test_every_command_the_readme_names_exists():
    """Every `groundswell X` anywhere in the README (prose, tables, code), and every
    `groundswell admin X` is one of Django's commands."""
    from django.core.management import get_commands

    named = set(re.findall(r"\bgroundswell ([a-z][a-z0-9_-]*)", README))
    assert named, "the README names no commands"
    known = {*cli.commands(), "admin", "help", "completion"}
    assert named - known == set()
    admin = set(re.findall(r"\bgroundswell admin ([a-z][a-z0-9_-]*)", README)) - {"help"}
    assert admin and {a.replace("-", "_") for a in admin} - set(get_commands()) == set()


def test_the_readme_shows_exactly_what_help_prints(tmp_path):
    """The block is compared with what the console command really prints, and the README's
    command table has a row for every command `--help` lists."""
    block = re.search(r"```text\n(usage: groundswell .*?)```", README, re.S)
    assert block, "README has no `groundswell --help` block"
    proc = groundswell("--help", cwd=tmp_path)
    assert proc.returncode == 0 and block.group(1) == proc.stdout
    table_rows = set(re.findall(r"^\| `groundswell ([a-z][a-z0-9-]*)", README, re.M))
    table_rows |= set(re.findall(r", `groundswell ([a-z][a-z0-9-]*)", README))
    assert set(cli.commands()) - table_rows == set()


@pytest.mark.django_db
def test_every_discovered_command_is_a_real_django_command():
    from django.core.management import get_commands

    django_commands = get_commands()
    for cmd in cli.commands().values():
        if cmd.module:
            assert cmd.module in django_commands, cmd.name


def test_count_is_the_same_code_through_call_command(tmp_path):
    """`call_command("count")` (Django) and `groundswell count` (no Django) agree."""
    import io
    import json

    from django.core.management import call_command

    path = tmp_path / "b.blt"
    path.write_text(BLT)
    out = io.StringIO()
    call_command("count", str(path), json=True, stdout=out)
    via_django = json.loads(out.getvalue())
    via_cli = json.loads(groundswell("count", str(path), "--json", cwd=tmp_path).stdout)
    assert via_django == via_cli and via_cli["winners"] == ["Ann"]

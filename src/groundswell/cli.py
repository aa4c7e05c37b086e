"""The `groundswell` console script: Groundswell's own commands, grouped, with hyphenated
names; Django's commands under `groundswell admin`.

Commands are discovered, not listed here: every management command in a Groundswell app
(`src/groundswell/**/management/commands/*.py`) is one, named with hyphens
(`cut_turfs.py` is `groundswell cut-turfs`), described by the first sentence of its `help`,
and grouped by a `group = "..."` attribute on its Command class or else by its app
(`APP_GROUPS`). Discovery reads the command files' source (ast) instead of importing them,
so `--help` and `--version` import nothing of Django and write nothing; `count` runs
without Django at all (`counting_cli`). Django starts only for a command that needs it.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

GROUPS = ("members", "ballots", "ground game", "democracy", "operations")
APP_GROUPS = {
    "members": "members",
    "mailouts": "members",
    "ballots": "ballots",
    "groundgame": "ground game",
    "motions": "democracy",
    "events": "democracy",
    "reach": "ground game",
    "accounts": "operations",
    "": "operations",  # the project's own app: demo, serve, tick, backup, restore
}
PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Command:
    name: str  # hyphenated, as typed
    module: str  # the Django command's name (underscored), or "" for our own
    group: str
    summary: str
    usage: str = ""


OWN = {
    "count": Command(
        "count",
        "",
        "ballots",
        "Count a ballot file (.blt, ballot CSV, city cast-vote record); runs without Django",
        "FILE [--method fptp|irv|stv] [--seats N] [--json]",
    ),
}
META = [
    (
        "admin COMMAND ...",
        "Django's own commands (groundswell admin migrate, createsuperuser, ...)",
    ),
    ("help COMMAND", "a command's options (same as COMMAND --help)"),
    ("completion bash", 'a bash/zsh completion script: eval "$(groundswell completion bash)"'),
]


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    for stop in (". ", "; "):
        if stop in text:
            text = text.split(stop, 1)[0]
    text = text.rstrip(".")
    if len(text) > 90:  # one line in the overview
        text = text[: text.rfind(" ", 0, 88)].rstrip(",;:") + " ..."
    return text


def _describe(path: Path) -> tuple[str, str | None]:
    """(help, group) of the Command class in a command file, read from its source."""
    import ast  # here, not at the top: `groundswell count` starts without it

    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return "", None
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == "Command":
            found: dict[str, str] = {}
            for item in node.body:
                if (
                    isinstance(item, ast.Assign)
                    and len(item.targets) == 1
                    and isinstance(item.targets[0], ast.Name)
                ):
                    try:
                        value = ast.literal_eval(item.value)
                    except ValueError:
                        continue
                    if isinstance(value, str):
                        found[item.targets[0].id] = value
            return found.get("help", ""), found.get("group")
    return "", None


@cache
def commands() -> dict[str, Command]:
    """Every Groundswell command by its hyphenated name, ours first."""
    found: dict[str, Command] = dict(OWN)
    for path in sorted(PACKAGE.glob("**/management/commands/*.py")):
        if path.name.startswith("_") or "core" in path.relative_to(PACKAGE).parts[:1]:
            continue
        app = path.relative_to(PACKAGE).parts[0] if path.relative_to(PACKAGE).parts[0] != "management" else ""
        name = path.stem.replace("_", "-")
        if name in found:
            continue
        text, group = _describe(path)
        group = group or APP_GROUPS.get(app, "operations")
        found[name] = Command(name, path.stem, group, _first_sentence(text) or name)
    return found


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("groundswell")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "unknown"


def overview() -> str:
    """What `groundswell --help` prints: the commands in their groups."""
    cmds = commands()
    width = max(len(n) for n in [*cmds, *(m for m, _ in META)]) + 2
    lines = [
        "usage: groundswell [--help] [--version] COMMAND [ARGS ...]",
        "",
        f"Groundswell {version()}: members, sealed ballots, ground game and member democracy.",
        "Run `groundswell help COMMAND` (or COMMAND --help) for a command's options.",
    ]
    for group in [*GROUPS, *sorted({c.group for c in cmds.values()} - set(GROUPS))]:
        members = sorted((c for c in cmds.values() if c.group == group), key=lambda c: c.name)
        if not members:
            continue
        lines += ["", f"{group.capitalize()}:"]
        lines += [f"  {c.name:<{width}}{c.summary}" for c in members]
    lines += ["", "Framework:"]
    lines += [f"  {m:<{width}}{d}" for m, d in META]
    return "\n".join(lines) + "\n"


def completion_script() -> str:
    names = " ".join(sorted([*commands(), "admin", "help", "completion"]))
    return f"""# groundswell completion (bash; zsh with bashcompinit)
_groundswell() {{
    local cur=${{COMP_WORDS[COMP_CWORD]}}
    if [ "$COMP_CWORD" -eq 1 ] || {{ [ "$COMP_CWORD" -eq 2 ] && [ "${{COMP_WORDS[1]}}" = help ]; }}; then
        COMPREPLY=($(compgen -W "{names}" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}}
complete -o default -F _groundswell groundswell
"""


def _is_help(args: list[str]) -> bool:
    return any(a in ("-h", "--help", "--version") for a in args)


def _django_command(cmd: Command, args: list[str]) -> int:
    """Runs one Groundswell management command, Django started for it."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groundswell.settings")
    if not _is_help(args):
        from groundswell import config

        config.prepare_home(config.home())
    import django
    from django.core.management import get_commands, load_command_class

    django.setup()
    app = get_commands().get(cmd.module)
    if app is None:
        sys.stderr.write(f"groundswell: {cmd.name} belongs to an app that is not installed\n")
        return 1
    command = app if not isinstance(app, str) else load_command_class(app, cmd.module)
    command.get_version = version  # `groundswell X --version` is Groundswell's, not Django's
    command.run_from_argv(["groundswell", cmd.name, *args])
    return 0


def _admin(args: list[str]) -> int:
    """`groundswell admin ...`: Django's own command line, hyphens allowed."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groundswell.settings")
    args = list(args)
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    if args and args[0] != "help" and not _is_help(args):
        from groundswell import config

        config.prepare_home(config.home())
    from django.core.management import execute_from_command_line

    execute_from_command_line(["groundswell admin", *args])
    return 0


def run(argv: list[str]) -> int:
    """Runs `groundswell ARGV...`; returns the exit status."""
    if not argv or argv[0] in ("-h", "--help"):
        sys.stdout.write(overview())
        return 0
    if argv[0] in ("-V", "--version"):
        sys.stdout.write(f"groundswell {version()}\n")
        return 0
    name, args = argv[0].replace("_", "-"), argv[1:]
    if name == "help":
        if not args:
            sys.stdout.write(overview())
            return 0
        return run([args[0], "--help"])
    if name == "completion":
        sys.stdout.write(completion_script())
        return 0
    if name == "admin":
        return _admin(args)
    if name == "count":
        from groundswell import counting_cli

        return counting_cli.main(args)
    cmd = commands().get(name)
    if cmd is None:
        return _unknown(argv[0])
    return _django_command(cmd, args)


def _unknown(name: str) -> int:
    import difflib

    message = f"groundswell: unknown command {name!r}."
    close = difflib.get_close_matches(name.replace("_", "-"), [*commands(), "admin", "help"], n=1)
    if close:
        message += f" Did you mean `groundswell {close[0]}`?"
    else:
        message += f" Django's own commands run as `groundswell admin {name.replace('_', '-')}`."
    sys.stderr.write(message + " (`groundswell --help` lists the commands)\n")
    return 2


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    raise SystemExit(run(argv[1:]))


if __name__ == "__main__":
    main()

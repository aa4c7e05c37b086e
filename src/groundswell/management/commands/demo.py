"""groundswell demo [--members N]: real constituencies, synthetic people, a user per role.

Safe to run again: branches are upserted, only the missing synthetic members are added,
and the demo accounts get their demo passwords back.
"""

from __future__ import annotations

import csv
import tempfile
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from groundswell.accounts.models import Role, User
from groundswell.accounts.services import role_grant, user_create
from groundswell.ballots.demo import demo_ballots, share_file
from groundswell.ballots.models import Ballot
from groundswell.core.formats.members_csv import CONSENT_COLUMNS, HEADER
from groundswell.events.demo import demo_events
from groundswell.groundgame.demo import demo_assign, demo_groundgame
from groundswell.groups.demo import demo_groups
from groundswell.lifecycle.demo import demo_dues, demo_rules
from groundswell.members.demo import synthetic_rows
from groundswell.members.importing import members_import
from groundswell.members.models import Branch, Category, Membership, Person
from groundswell.members.services import branches_load_constituencies
from groundswell.motions.demo import demo_motions
from groundswell.reach.demo import demo_reach
from groundswell.selections.demo import demo_affiliates, demo_selection, demo_trigger
from groundswell.vetting.demo import demo_vetting

DEMO_PASSWORD = "groundswell-demo"
DEMO_BRANCH = "E14000662"  # Derby North: lost by 41 votes in 2015
DEMO_USERS = (
    ("admin@demo.groundswell.local", "Demo National Admin", Role.NATIONAL_ADMIN),
    ("organiser@demo.groundswell.local", "Demo Branch Organiser (Derby North)", Role.BRANCH_ORGANISER),
    ("returning@demo.groundswell.local", "Demo Returning Officer", Role.RETURNING_OFFICER),
    ("canvasser@demo.groundswell.local", "Demo Canvasser", Role.CANVASSER),
    ("member@demo.groundswell.local", "Demo Member", Role.MEMBER),
)


class Command(BaseCommand):
    help = "Load the demo: 650 real constituencies as branches, synthetic members, demo users."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=20_000, help="synthetic members (default 20,000)")
        parser.add_argument(
            "--electors",
            type=int,
            default=70_000,
            help="synthetic electors on the Derby North register (default 70,000)",
        )
        parser.add_argument(
            "--postcode-areas",
            default="",
            help="load only these postcode areas of Code-Point Open, e.g. DE,NG (default: all of GB)",
        )
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, members: int, electors: int, quiet: bool, postcode_areas: str = "", **options):
        console = Console(stderr=True, quiet=quiet)
        branches_load_constituencies()
        console.print(f"Branches: {Branch.objects.count()} Westminster constituencies")
        have = Person.objects.filter(synthetic=True).count()
        if have < members:
            self._add_members(members - have, have, console, quiet)
        self._users()
        console.print(f"Synthetic people: {Person.objects.filter(synthetic=True).count()}")
        ground = demo_groundgame(
            organiser=User.objects.get(email=DEMO_USERS[1][0]),
            n_electors=electors,
            postcode_areas=[a for a in postcode_areas.split(",") if a.strip()] or None,
        )
        if "postcodes" in ground:
            console.print(f"Postcodes (OS Code-Point Open): {ground['postcodes']['postcodes']:,}")
        demo_assign(canvasser=User.objects.get(email=DEMO_USERS[3][0]))
        if "register" in ground:
            console.print(f"Synthetic Derby North register: {ground['register']['rows']} electors")
        ballots = demo_ballots(
            officer=User.objects.get(email=DEMO_USERS[2][0]),
            member_person=User.objects.get(email=DEMO_USERS[4][0]).person,
        )
        users = {role: User.objects.get(email=email) for email, _, role in DEMO_USERS}
        derby = Branch.objects.get(ons_code=DEMO_BRANCH)
        demo_motions(
            branch=derby,
            proposer=users[Role.CANVASSER],
            organiser=users[Role.BRANCH_ORGANISER],
            supporters=[users[Role.RETURNING_OFFICER], users[Role.NATIONAL_ADMIN], users[Role.MEMBER]],
        )
        demo_events(
            branch=derby,
            organiser=users[Role.BRANCH_ORGANISER],
            admin=users[Role.NATIONAL_ADMIN],
            attendees=[users[Role.CANVASSER], users[Role.RETURNING_OFFICER]],
        )
        demo_groups(
            branch=derby,
            facilitator=users[Role.CANVASSER],
            member=users[Role.MEMBER],
            others=[users[Role.RETURNING_OFFICER]],
        )
        demo_affiliates(admin=users[Role.NATIONAL_ADMIN])
        selection = demo_selection(
            branch=derby,
            organiser=users[Role.BRANCH_ORGANISER],
            admin=users[Role.NATIONAL_ADMIN],
            officer=users[Role.RETURNING_OFFICER],
            member=users[Role.MEMBER],
        )
        trigger = demo_trigger(branch=derby, organiser=users[Role.BRANCH_ORGANISER])
        console.print("Motions, events, working groups: synthetic demo ones in Derby North")
        console.print(
            "A synthetic Derby North selection, applications to a published result: "
            f"/selections/{selection.pk}/; "
            f"a published trigger ballot: /selections/triggers/{trigger.pk}/"
        )
        dues = demo_dues(
            branch=derby, exclude_person_ids={u.person_id for u in users.values() if u.person_id}
        )
        console.print(f"Dues: a synthetic year of Direct Debits in Derby North ({dues})")
        vetting = demo_vetting(
            ballot=Ballot.objects.filter(pk=ballots["ballot"]).first(),
            organiser=users[Role.BRANCH_ORGANISER],
            admin=users[Role.NATIONAL_ADMIN],
            exclude_person_ids={u.person_id for u in users.values() if u.person_id},
        )
        console.print(f"Vetting: {vetting} (the demo organiser sits on the appeal panel: /vetting/appeals/)")
        rules = demo_rules(branch=derby, officer=users[Role.RETURNING_OFFICER])
        console.print(f"Eligibility rules and supporter windows: {rules}")
        bank = demo_reach(
            branch=derby,
            organiser=users[Role.BRANCH_ORGANISER],
            caller=users[Role.CANVASSER],
            volunteer=users[Role.MEMBER],
        )
        if bank is not None:
            console.print(
                f"Phone bank: {bank.name}, {bank.targets.count()} households; callers join with the code "
                f"[bold]{bank.code}[/bold] at http://127.0.0.1:8000/call/{bank.code}/; the demo member's "
                "people they know at /friends/ and referral link at /me/referrals/ (synthetic)"
            )
        table = Table(title=f"Demo sign-ins (password for all: {DEMO_PASSWORD})")
        table.add_column("email")
        table.add_column("role")
        for email, _, role in DEMO_USERS:
            table.add_row(email, Role(role).label)
        Console().print(table)
        if ballots["code"]:
            Console().print(
                f"The demo member's voting code for the open demo ballot: [bold]{ballots['code']}[/bold] "
                "(vote at http://127.0.0.1:8000/vote/; a new code each time the demo runs)"
            )
        if ballots["shares"]:
            Console().print(
                f"The demo trustees' shares of ballot {ballots['ballot']}'s key (any 2 of 3 count it: close "
                f"it, then paste two at http://127.0.0.1:8000/ballots/{ballots['ballot']}/count/ or run "
                f"`groundswell count-ballot {ballots['ballot']} "
                f"--share {share_file(1)} --share {share_file(2)}`). "
                "Demo only: a real ballot's shares go once to their trustees."
            )
            for i, share in enumerate(ballots["shares"], 1):
                Console().print(f"  trustee {i}: {share}", soft_wrap=True)

    def _add_members(self, count: int, start: int, console: Console, quiet: bool) -> None:
        codes = list(Branch.objects.values_list("ons_code", flat=True))
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "synthetic-members.csv"
            with open(path, "w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh)
                writer.writerow([*HEADER, *CONSENT_COLUMNS])
                writer.writerows(synthetic_rows(count, codes, seed=2016 + start, start_number=start + 1))
            columns = (
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
            )
            with Progress(*columns, console=console, disable=quiet) as bar:
                ids: dict[str, int] = {}

                def progress(phase: str, done: int, total: int) -> None:
                    if phase not in ids:
                        label = (
                            "Checking synthetic members"
                            if phase == "validate"
                            else "Loading synthetic members"
                        )
                        ids[phase] = bar.add_task(label, total=total)
                    bar.update(ids[phase], completed=done, total=max(done, total))

                result = members_import(
                    path=path, filename="synthetic demo members", progress=progress, synthetic=True
                )
        if not result.ok:
            raise CommandError(f"demo data failed validation: {result.errors[:3]}")

    @transaction.atomic
    def _users(self) -> None:
        derby = Branch.objects.get(ons_code=DEMO_BRANCH)
        for email, name, role in DEMO_USERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = user_create(email=email, password=DEMO_PASSWORD, display_name=name)
            else:
                user.set_password(DEMO_PASSWORD)
                user.is_active = True
                user.save()
            role_grant(user=user, role=role, branch=derby if role == Role.BRANCH_ORGANISER else None)
            if role != Role.NATIONAL_ADMIN:
                role_grant(user=user, role=Role.MEMBER)
            if user.person_id is None:
                first, _, last = name.partition(" ")
                person = Person.objects.create(
                    first_name=first,
                    last_name=last,
                    email=email,
                    email_key=email,
                    synthetic=True,
                    consent_email_on=date(2016, 1, 1),
                    consent_data_processing_on=date(2016, 1, 1),
                )
                Membership.objects.create(
                    person=person,
                    membership_number=f"DEMO-{role.upper().replace('_', '-')}"[:32],
                    branch=derby,
                    category=Category.MEMBER,
                    joined_on=date(2015, 9, 1),
                )
                user.person = person
                user.save(update_fields=["person"])

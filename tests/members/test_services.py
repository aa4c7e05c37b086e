"""Merging, exporting (audited, formula-safe), subject access and erasure."""

import csv
import io
from datetime import date

from groundswell.accounts.models import AuditEvent, Role
from groundswell.members import services
from groundswell.members.models import DuplicateCandidate, Membership, Person
from groundswell.members.selectors import eligible_electorate, membership_stats
from tests import factories


def test_merging_two_records_leaves_one_person_with_both_memberships(branches, users):
    north, south = branches
    a = factories.person(branch=north, first_name="Ada", last_name="Lovelace", email="a@x.org")
    b = factories.person(
        branch=south, first_name="Ada", last_name="Lovelace", email="", category="registered_supporter"
    )
    DuplicateCandidate.objects.create(person=a, other=b, reason="name_postcode")
    before = len(eligible_electorate(["member", "registered_supporter"], date(2020, 1, 1)))
    services.person_merge(keep=a, merge=b, actor=users[Role.NATIONAL_ADMIN])
    assert not Person.objects.filter(pk=b.pk).exists()
    assert a.memberships.count() == 2
    assert len(eligible_electorate(["member", "registered_supporter"], date(2020, 1, 1))) == before - 1
    assert AuditEvent.objects.filter(action="person.merge").count() == 1


def test_export_escapes_formulas_and_is_audited(branches, users):
    north, _ = branches
    factories.person(branch=north, first_name='=HYPERLINK("http://evil")', last_name="@SUM(A1)")
    admin = users[Role.NATIONAL_ADMIN]
    lines = services.members_export(actor=admin, memberships=Membership.objects.all(), description="all")
    rows = list(csv.reader(io.StringIO("".join(lines))))
    evil = next(r for r in rows if "HYPERLINK" in r[1])
    assert evil[1].startswith("'=") and evil[2].startswith("'@")
    event = AuditEvent.objects.get(action="members.export")
    assert event.actor == admin and event.rows == Membership.objects.count() == len(rows) - 1


def test_exported_file_imports_again_unchanged(branches, users, tmp_path):
    from groundswell.members.importing import members_import

    north, _ = branches
    factories.person(branch=north, category="affiliated_supporter", affiliate="Unite")
    path = tmp_path / "export.csv"
    path.write_text(
        "".join(
            services.members_export(
                actor=users[Role.NATIONAL_ADMIN], memberships=Membership.objects.all(), description="all"
            )
        )
    )
    result = members_import(path=path)
    assert result.ok and result.created_memberships == 0 and result.updated_memberships == 0


def test_subject_access_holds_everything_about_the_person(users):
    member = users[Role.MEMBER]
    data = services.person_subject_access(person=member.person, actor=member)
    assert data["person"]["last_name"] == "Member"
    assert data["memberships"][0]["branch"]["name"] == "Derby North"
    assert data["account"]["email"] == member.email
    assert AuditEvent.objects.filter(action="person.subject_access", actor=member).exists()


def test_erasure_removes_personal_fields_and_keeps_counts(users):
    admin, member = users[Role.NATIONAL_ADMIN], users[Role.MEMBER]
    before = membership_stats(admin)
    person = member.person
    services.person_erase(person=person, actor=admin, confirm=True)
    person.refresh_from_db()
    member.refresh_from_db()
    assert (person.first_name, person.last_name, person.email, person.postcode) == ("", "", "", "")
    assert person.erased_at is not None
    assert not member.is_active and not member.has_usable_password()
    after = membership_stats(admin)
    assert after.by_category == before.by_category and after.total_people == before.total_people


def test_eligibility_applies_freeze_date_minimum_days_lapse_and_category(branches):
    north, _ = branches
    freeze = date(2016, 7, 12)
    ok = factories.person(branch=north, joined_on=date(2016, 1, 12))
    factories.person(branch=north, joined_on=date(2016, 6, 1))  # too recent for 6 months
    factories.person(branch=north, joined_on=date(2010, 1, 1), lapsed_on=date(2016, 1, 1))  # lapsed
    late_lapse = factories.person(branch=north, joined_on=date(2010, 1, 1), lapsed_on=date(2016, 8, 1))
    factories.person(branch=north, category="registered_supporter", joined_on=date(2010, 1, 1))
    got = eligible_electorate(["member"], freeze, min_membership_days=182)
    assert [e.person_id for e in got] == sorted([ok.pk, late_lapse.pk])
    both = eligible_electorate(["member", "registered_supporter"], freeze, 182)
    assert len(both) == 3

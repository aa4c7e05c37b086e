"""Every page and endpoint against every role: the right roles get in, the rest are refused.

The matrix is checked for completeness too: a new URL or API operation without a row
here fails `test_every_url_is_in_the_matrix`, so nobody can add a page and forget its rule.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from groundswell.accounts.models import Role
from groundswell.api import api
from groundswell.members.models import ImportJob
from tests import factories

ADMIN, ORG, RO, CAN, MEM = (
    Role.NATIONAL_ADMIN,
    Role.BRANCH_ORGANISER,
    Role.RETURNING_OFFICER,
    Role.CANVASSER,
    Role.MEMBER,
)
ALL = (ADMIN, ORG, RO, CAN, MEM)
MANAGERS = (ADMIN, ORG)
RUNNERS = (RO, ADMIN)
PUBLIC = "public"  # anyone, signed in or not

# (method, path template, roles allowed in, status for everyone else)
# {north} is a person in the organiser's branch, {south} one outside it, {job} an admin's import.
MATRIX = [
    ("get", "/", ALL, 403),
    ("get", "/health", PUBLIC, None),
    ("get", "/members/", MANAGERS, 403),
    ("get", "/members/{north}/", MANAGERS, 404),
    ("get", "/members/{south}/", (ADMIN,), 404),
    ("get", "/members/{north}/data.json", (ADMIN,), 403),
    ("get", "/members/{north}/erase/", (ADMIN,), 403),
    ("get", "/members/import/", MANAGERS, 403),
    ("get", "/members/import/{job}/", (ADMIN,), (403, 404)),  # organisers: not their job
    ("get", "/members/export.csv", MANAGERS, 403),
    ("get", "/members/duplicates/", MANAGERS, 403),
    ("post", "/members/duplicates/{candidate}/", MANAGERS, 403),
    ("get", "/me/data.json", (MEM,), 404),
    ("get", "/api/members", MANAGERS, 403),
    ("get", "/api/people/{north}", MANAGERS, 404),
    ("get", "/api/people/{south}", (ADMIN,), 404),
    ("post", "/api/members/import", MANAGERS, 403),
    ("get", "/api/members/imports/{job}", (ADMIN,), (403, 404)),
    ("get", "/api/members/export", MANAGERS, 403),
    ("get", "/api/me/data", (MEM,), 404),
    ("post", "/api/people/{south}/erase", (ADMIN,), 403),
    ("get", "/api/stats/membership", (ADMIN, ORG, RO), 403),
    # ballots: run by returning officers (and national admins); results and voting are public
    ("get", "/ballots/", RUNNERS, 403),
    ("get", "/ballots/new/", RUNNERS, 403),
    ("get", "/ballots/{ballot}/", RUNNERS, 403),
    ("post", "/ballots/{ballot}/open/", RUNNERS, 403),
    ("post", "/ballots/{ballot}/close/", RUNNERS, 403),
    ("post", "/ballots/{ballot}/publish/", RUNNERS, 403),
    ("post", "/ballots/{ballot}/postal.csv", RUNNERS, 403),
    ("post", "/ballots/{ballot}/reissue/", RUNNERS, 403),
    ("get", "/ballots/{ballot}/share/", (RO,), 404),  # the ballot's one trustee
    ("get", "/ballots/trustee/", (RO,), 404),  # only someone holding a share
    ("get", "/ballots/{ballot}/count/", RUNNERS, 404),
    ("get", "/ballots/{published}/audit/", PUBLIC, None),
    ("get", "/ballots/{published}/results/", PUBLIC, None),
    ("get", "/ballots/{published}/files/{file}", PUBLIC, None),
    ("get", "/ballots/{published}/verify/", PUBLIC, None),
    ("get", "/results/", PUBLIC, None),
    ("get", "/vote/", PUBLIC, None),
    ("get", "/vote/ballot/", PUBLIC, None),
    ("post", "/vote/cast/", PUBLIC, None),
    ("get", "/api/ballots", RUNNERS, 403),
    ("post", "/api/ballots", RUNNERS, 403),
    ("get", "/api/ballots/{ballot}", RUNNERS, 403),
    ("post", "/api/ballots/{ballot}/open", RUNNERS, 403),
    ("post", "/api/ballots/{ballot}/close", RUNNERS, 403),
    ("post", "/api/ballots/{ballot}/publish", RUNNERS, 403),
    ("post", "/api/ballots/{ballot}/count", RUNNERS, 403),
    ("post", "/api/ballots/{ballot}/reissue", RUNNERS, 403),
    ("post", "/api/ballots/{ballot}/share", (RO,), 404),
    ("post", "/api/ballots/{published}/audit", PUBLIC, None),
    ("post", "/api/vote", PUBLIC, None),
    ("get", "/api/results/{published}", PUBLIC, None),
    ("get", "/api/results/{published}/trackers/{tracker}", PUBLIC, None),
    # ground game: targets for anyone signed in, "nearest" for anyone; the register only for
    # the seat's own organisers and national admins
    ("get", "/targets/", ALL, None),
    ("get", "/nearest/", PUBLIC, None),
    ("get", "/sessions/", ALL, None),
    ("get", "/sessions/new/", MANAGERS, 403),
    ("get", "/sessions/{session}/", ALL, None),
    ("post", "/sessions/{session}/signup/", ALL, None),
    ("post", "/sessions/{session}/cancel/", ALL, None),
    ("get", "/register/", MANAGERS, 403),
    ("get", "/register/{seat}/", MANAGERS, 403),
    ("get", "/register/{other_seat}/", (ADMIN,), (403, 404)),
    ("get", "/register/{seat}/imports/{register_job}/", MANAGERS, 403),
    ("post", "/register/{seat}/imports/{register_job}/confirm/", MANAGERS, 403),
    ("post", "/register/{seat}/corrections/{correction}/", MANAGERS, 403),
    ("get", "/api/targets", ALL, None),
    ("get", "/api/nearest?lat=52.9&lon=-1.5", PUBLIC, None),
    ("get", "/api/sessions", ALL, None),
    ("post", "/api/sessions", MANAGERS, 403),
    ("post", "/api/sessions/{session}/signup", ALL, None),
    ("delete", "/api/sessions/{session}/signup", ALL, None),
    ("get", "/api/register/{seat}", MANAGERS, 403),
    ("get", "/api/register/{other_seat}", (ADMIN,), (403, 404)),
    ("post", "/api/register/{seat}/import", MANAGERS, 403),
    # canvassing: the app for anyone signed in; an elector or a list only for those it is assigned to
    ("get", "/canvass/", ALL, None),
    ("get", "/canvass/sw.js", PUBLIC, None),
    ("get", "/canvass/electors/{elector}/", (ADMIN, ORG, CAN), 404),
    ("get", "/walklists/{seat}/", MANAGERS, 403),
    ("get", "/walklists/list/{walk_list}/sheet.{fmt}", (ADMIN, ORG, CAN), 404),
    ("get", "/dashboard/{seat}/", MANAGERS, 403),
    ("get", "/pollingday/{seat}/", MANAGERS, 403),
    ("get", "/api/canvass/lists", ALL, None),
    ("post", "/api/canvass/contacts", ALL, None),
    ("post", "/api/canvass/corrections", ALL, None),
    ("post", "/api/canvass/undo", ALL, None),  # only your own contact: the service refuses others (403)
    ("post", "/api/canvass/voted", ALL, None),  # only electors on your lists: refused otherwise (403)
    ("get", "/api/canvass/electors/{elector}", (ADMIN, ORG, CAN), 404),
    ("post", "/api/pollingday/{seat}/returns", MANAGERS, 403),
    ("get", "/api/pollingday/{seat}/knockup", MANAGERS, 403),
    ("get", "/api/walklists/{seat}", MANAGERS, 403),
    ("post", "/api/walklists/{seat}/cut", MANAGERS, 403),
    # motions: anyone signed in reads and may try; the services refuse non-members with a message
    ("get", "/motions/", ALL, None),
    ("get", "/motions/new/", ALL, None),
    ("get", "/motions/composite/", (ADMIN,), 403),
    ("get", "/motions/{motion}/", ALL, None),
    ("get", "/motions/{motion}/edit/", (), 403),  # the proposer only (not one of these users)
    ("post", "/motions/{motion}/support/", ALL, None),
    ("post", "/motions/{motion}/withdraw/", ALL, None),
    ("get", "/motions/{motion}/amend/", ALL, None),
    ("post", "/motions/{motion}/comments/", ALL, None),
    ("post", "/motions/comments/{comment}/hide/", ALL, None),
    ("post", "/motions/{voting_motion}/vote/{motion_ballot}/", ALL, None),
    ("post", "/motions/{motion}/close/", ALL, None),
    ("post", "/motions/{motion}/send/", ALL, None),
    ("get", "/api/motions", ALL, None),
    ("post", "/api/motions", ALL, None),
    ("get", "/api/motions/{motion}", ALL, None),
    ("post", "/api/motions/{motion}/support", ALL, None),
    ("post", "/api/motions/{motion}/amendments", ALL, None),
    ("get", "/api/motions/{motion}/comments", ALL, None),
    ("post", "/api/motions/{motion}/comments", ALL, None),
    ("post", "/api/motions/{voting_motion}/votes/{motion_ballot}", ALL, None),
    ("post", "/api/motions/{motion}/close", ALL, None),
    # events: public events for anyone, organising for the branch's organisers
    ("get", "/events/", PUBLIC, None),
    ("get", "/events/new/", MANAGERS, 403),
    ("get", "/events/{event}/", PUBLIC, None),
    ("post", "/events/{event}/rsvp/", PUBLIC, None),
    ("post", "/events/{event}/cancel/", MANAGERS, 403),
    ("get", "/events/{event}/attendance/", MANAGERS, 403),
    ("post", "/events/{event}/attendance/{rsvp}/", MANAGERS, 403),
    ("get", "/events/reply/{rsvp_token}/", PUBLIC, None),
    ("post", "/events/reply/{rsvp_token}/cancel/", PUBLIC, None),
    ("get", "/events/branch/{seat}.ics", PUBLIC, None),
    ("get", "/events/feed/{feed}.ics", PUBLIC, None),
    ("get", "/api/events?start=2000-01-01T00:00Z&end=2100-01-01T00:00Z", PUBLIC, None),
    ("get", "/api/events/{event}", PUBLIC, None),
    ("post", "/api/events", MANAGERS, 403),
    ("post", "/api/events/{event}/rsvp", PUBLIC, None),
    ("delete", "/api/events/rsvps/{rsvp_token}", PUBLIC, None),
    ("post", "/api/events/{event}/attendance/{rsvp}", MANAGERS, 403),
    # mail-outs: organisers and national admins; unsubscribing needs no sign-in
    ("get", "/mailouts/", MANAGERS, 403),
    ("get", "/mailouts/{mailout}/", (ADMIN,), (403, 404)),  # organisers: not theirs
    ("get", "/unsubscribe/{unsubscribe}/", PUBLIC, None),
    ("post", "/api/mailouts", MANAGERS, 403),
    ("get", "/api/mailouts/{mailout}", (ADMIN,), (403, 404)),
    # working groups: a party-wide group in Derby North that the member is in; facilitating
    # (approve, invite, email, moderate) is its facilitator's (not a branch organiser's) and
    # national admins'; people outside the branch do not see it (404)
    ("get", "/groups/", ALL, None),
    ("post", "/groups/new/", (ADMIN,), 403),  # others: no member record, or no branch chosen
    ("get", "/groups/{group}/", (ADMIN, ORG, MEM), 404),
    ("post", "/groups/{group}/join/", (MEM,), (403, 404)),
    ("post", "/groups/{group}/leave/", (ADMIN, ORG, MEM), 404),
    ("post", "/groups/{group}/mute/", (MEM,), 404),
    ("post", "/groups/{group}/invite/", (ADMIN,), (403, 404)),
    ("post", "/groups/{group}/members/{gperson}/", (ADMIN,), (403, 404)),
    ("post", "/groups/{group}/mailout/", (ADMIN,), (403, 404)),
    ("post", "/groups/{group}/posts/", (MEM,), (403, 404)),
    ("get", "/groups/branch/{seat}/", (ADMIN, ORG, MEM), 403),
    ("get", "/groups/posts/{gpost}/", (ADMIN, ORG, MEM), 404),
    ("post", "/groups/posts/{gpost}/close/", (ADMIN,), (403, 404)),
    ("post", "/groups/posts/{gpost}/hide/", (ADMIN,), (403, 404)),
    ("post", "/groups/responses/{gresponse}/", (), (403, 404)),  # the poster only
    ("get", "/api/groups", ALL, None),
    # selections: a Derby North selection with one application; the panel is its organiser and admins
    ("get", "/selections/", ALL, None),
    ("post", "/selections/new/", (ADMIN, ORG), 403),
    ("get", "/selections/{sel}/", (ADMIN, ORG, MEM), 404),
    ("post", "/selections/{sel}/apply/", (MEM,), (403, 404)),
    ("get", "/selections/{sel}/panel/", (ADMIN, ORG), (403, 404)),
    ("post", "/selections/{sel}/panel/{sapp}/", (ADMIN, ORG), (403, 404)),
    ("post", "/selections/{sel}/confirm/", (ADMIN, ORG), (403, 404)),
    ("post", "/selections/{sel}/ballot/", (ADMIN,), (403, 404)),  # ballots' own rule: RO/admin run ballots
    ("post", "/selections/{sel}/hustings/", (ADMIN, ORG), (403, 404)),
    ("post", "/selections/{sel}/nominations/", (ADMIN, ORG), (403, 404)),
    ("post", "/selections/{sel}/nominations/vote/", (ADMIN, ORG), (403, 404)),
    ("post", "/selections/{sel}/nominations/{nom}/cast/", (MEM,), (403, 404)),  # the branch's members vote
    ("post", "/selections/{sel}/nominations/{nom}/close/", (ADMIN, ORG), (403, 404)),
    ("get", "/selections/affiliates/", (ADMIN,), 403),
    ("post", "/selections/affiliates/", (ADMIN,), 403),
    ("get", "/selections/triggers/", ALL, None),
    ("post", "/selections/triggers/", (ADMIN, ORG), 403),
    ("get", "/selections/triggers/{trig}/", (ADMIN, ORG, MEM), 404),
    ("post", "/selections/triggers/{trig}/sections/", (ADMIN, ORG), (403, 404)),
    ("post", "/selections/triggers/{trig}/ballot/", (ADMIN, ORG), (403, 404)),
    ("post", "/selections/triggers/{trig}/sections/{tsec}/vote/", (MEM,), (403, 404)),
    ("post", "/selections/triggers/{trig}/sections/{tsec}/close/", (ADMIN, ORG), (403, 404)),
    ("post", "/selections/triggers/{trig}/publish/", (ADMIN, ORG), (403, 404)),
    ("get", "/api/selections", ALL, None),
    ("get", "/api/selections/{sel}", (ADMIN, ORG, MEM), 404),
    ("get", "/api/selections/{sel}/applications", (ADMIN, ORG), (403, 404)),
    ("post", "/api/selections/{sel}/applications/{sapp}/decisions", ALL, None),  # a body: refusals in tests
    ("get", "/api/selections/{sel}/nominations", (ADMIN, ORG), (403, 404)),
    ("post", "/api/selections/{sel}/nominations", ALL, None),  # a body: refusals in tests/selections
    ("get", "/api/triggers/{trig}", (ADMIN, ORG, MEM), 404),
    ("post", "/groups/{group}/events/", (ADMIN, MEM), (403, 404)),
    ("post", "/groups/{group}/events/{gevent}/", (ADMIN,), 404),  # a volunteer's proposal: facilitators
    ("post", "/api/groups/{group}/leave", (ADMIN, ORG, MEM), 404),
    ("get", "/api/groups/{group}/events", (ADMIN, ORG, MEM), 404),
    ("post", "/api/groups/{group}/events", ALL, None),  # a body: refusals in tests/groups
    ("post", "/api/groups/{group}/events/{gevent}/approve", (ADMIN,), 404),
    ("get", "/api/groups/{group}", (ADMIN, ORG, MEM), 404),
    ("post", "/api/groups/{group}/join", (MEM,), (403, 404)),
    ("post", "/api/groups/{group}/mute", (MEM,), 404),
    ("get", "/api/groups/{group}/posts", (ADMIN, ORG, MEM), 404),
    ("post", "/api/groups/{group}/posts", ALL, None),  # a body: refusals in tests/groups
    ("get", "/api/posts/{gpost}", (ADMIN, ORG, MEM), 404),
    ("post", "/api/posts/{gpost}/responses", ALL, None),  # a body: refusals in tests/groups
    ("post", "/api/responses/{gresponse}/accept", ALL, None),  # a body: refusals in tests/groups
    # payments ledger: officers; an organiser only their own files' queue and their branches' members
    ("get", "/payments/", MANAGERS, 403),
    ("post", "/payments/{payment}/match/", (ADMIN,), (403, 404)),  # an admin's file: not the organiser's
    ("get", "/payments/memberships/{north_membership}/", MANAGERS, (403, 404)),
    ("get", "/payments/memberships/{south_membership}/", (ADMIN,), (403, 404)),
    ("get", "/payments/rules/{rules_ballot}/publish/", RUNNERS, 403),
    ("get", "/payments/windows/", (ADMIN,), 403),
    ("get", "/eligibility/{rules_ballot}/", PUBLIC, None),
    ("get", "/supporters/{window}/", PUBLIC, None),
    ("post", "/supporters/{window}/", PUBLIC, None),  # an empty form: every field named, nothing made
    ("get", "/api/rates", MANAGERS, 403),
    ("get", "/api/memberships/{north_membership}/standing", MANAGERS, (403, 404)),
    ("get", "/api/memberships/{south_membership}/standing", (ADMIN,), (403, 404)),
    ("get", "/api/payments/unmatched", MANAGERS, 403),
    ("get", "/api/eligibility/{rules_ballot}", PUBLIC, None),
    ("post", "/api/eligibility/{rules_ballot}", RUNNERS, 403),
    ("get", "/api/supporter-windows", PUBLIC, None),
    ("post", "/api/supporter-windows", (ADMIN,), 403),
    ("post", "/api/supporter-windows/{window}/signups", PUBLIC, None),
    # phone banks: built and watched by the branch's organisers; worked by whoever joined
    ("get", "/phonebanks/", MANAGERS, 403),
    ("get", "/phonebanks/{phonebank}/", MANAGERS, 403),
    ("get", "/phonebanks/{south_phonebank}/", (ADMIN,), (403, 404)),  # the north organiser: not theirs
    ("get", "/phonebanks/join/", ALL, None),
    ("get", "/call/", ALL, None),  # join by code: any caller
    ("get", "/call/{bank_code}/", ALL, None),  # a join button until joined; no number
    ("post", "/call/{bank_code}/join/", ALL, None),
    ("post", "/call/{bank_code}/next/", (), 404),  # only callers who joined (none of these)
    ("post", "/call/{bank_code}/wrap/{call_target}/", (), 404),  # only the caller holding it
    # relational organising: a volunteer's own list (someone else's entry is 404); totals for managers
    ("get", "/friends/", ALL, None),
    ("get", "/me/calls/", ALL, None),  # a person's own do-not-call, whoever they are
    ("post", "/friends/{friend}/", (), 404),  # the owner only (not one of these users)
    ("post", "/friends/{friend}/match/", (), 404),
    ("post", "/friends/{friend}/share/", (), 404),
    ("get", "/friends/totals/", MANAGERS, 403),
    ("post", "/api/phonebanks", MANAGERS, 403),
    ("get", "/api/phonebanks", MANAGERS, 403),
    # national admins only; an organiser's empty upload is refused as invalid before the policy
    ("post", "/api/tps", (ADMIN,), (403, 422)),
    ("post", "/api/phone-consents", MANAGERS, 403),
    ("get", "/phonebanks/tps/", (ADMIN,), 403),
    ("get", "/phonebanks/consent/", MANAGERS, 403),
    ("get", "/api/phonebanks/{phonebank}", MANAGERS, 403),
    ("get", "/api/phonebanks/{south_phonebank}", (ADMIN,), (403, 404)),
    ("post", "/api/call/{bank_code}/join", ALL, None),
    ("post", "/api/call/{bank_code}/next", (), 404),
    ("post", "/api/call/{bank_code}/targets/{call_target}/result", (), (400, 404)),  # empty body: 400 first
    # vetting: the member is excluded (proposed by the organiser) and has appealed; the admin
    # sits on the appeal panel; the proposer cannot confirm their own case; a south case is
    # not the north organiser's to know of
    ("get", "/vetting/", MANAGERS, 403),
    ("post", "/vetting/propose/", MANAGERS, 403),
    ("get", "/vetting/{vcase}/", MANAGERS, 403),
    ("get", "/vetting/{south_vcase}/", (ADMIN,), (403, 404)),
    ("post", "/vetting/{vcase}/confirm/", (ADMIN,), 403),  # the organiser proposed it
    ("get", "/vetting/appeals/", (ADMIN,), 403),
    ("post", "/vetting/appeals/{vappeal}/decide/", (ADMIN,), 403),
    ("post", "/vetting/panel/", (ADMIN,), 403),
    ("get", "/vetting/refunds/", MANAGERS, 403),
    ("post", "/vetting/refunds/{vcase}/", MANAGERS, 403),
    ("post", "/vetting/refunds/{south_vcase}/", (ADMIN,), (403, 404)),
    ("get", "/me/vetting/", ALL, None),
    ("post", "/me/vetting/{vcase}/appeal/", (MEM,), 404),
    ("get", "/api/vetting/exclusions", MANAGERS, 403),
    ("post", "/api/vetting/exclusions", MANAGERS, 403),
    ("post", "/api/vetting/exclusions/{vcase}/confirm", (ADMIN,), 403),
    ("get", "/api/vetting/appeals", (ADMIN,), 403),
    ("post", "/api/vetting/appeals/{vappeal}/decide", (ADMIN,), 403),
    ("get", "/api/vetting/refunds", MANAGERS, 403),
    ("post", "/api/vetting/refunds/{vcase}", MANAGERS, 403),
    ("get", "/api/me/exclusions", ALL, None),
    ("post", "/api/me/exclusions/{vcase}/appeal", (MEM,), 404),
    # referral links: public landings; counts for the member; branch totals; never who brought whom
    ("get", "/r/{referral_token}/", PUBLIC, None),
    ("get", "/r/{referral_token}/events/{event}/", PUBLIC, None),
    ("get", "/me/referrals/", ALL, None),
    ("get", "/referrals/", MANAGERS, 403),
    ("get", "/api/me/referrals", ALL, None),
    ("get", "/api/referrals/totals", MANAGERS, 403),
]
FILL = {
    k: "X"
    for k in (
        "north",
        "south",
        "job",
        "candidate",
        "ballot",
        "published",
        "file",
        "tracker",
        "session",
        "elector",
        "walk_list",
        "fmt",
        "correction",
        "seat",
        "other_seat",
        "register_job",
        "motion",
        "voting_motion",
        "motion_ballot",
        "comment",
        "event",
        "rsvp",
        "rsvp_token",
        "feed",
        "mailout",
        "unsubscribe",
        "group",
        "gperson",
        "gpost",
        "gresponse",
        "sel",
        "sapp",
        "nom",
        "trig",
        "tsec",
        "gevent",
        "payment",
        "north_membership",
        "south_membership",
        "rules_ballot",
        "window",
        "phonebank",
        "south_phonebank",
        "bank_code",
        "call_target",
        "friend",
        "vcase",
        "south_vcase",
        "vappeal",
        "referral_token",
    )
}
# Pages open to anyone, or guarded by Django itself (admin, auth views, API docs).
PUBLIC_OR_DJANGO = ("accounts/", "admin/", "api/docs", "api/openapi.json")


@pytest.fixture(scope="module")
def matrix_data(django_db_setup, django_db_blocker):
    """The people, branches and objects every row of the matrix talks about, built once for
    the module (not once for each of its ~750 tests) inside a transaction that is rolled
    back at the end. Each test still runs in its own savepoint (pytest-django's `db`), so a
    POST that closes a ballot or erases a person is undone before the next test."""
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            north = factories.branch("E14000662", "Derby North")
            south = factories.branch("E14000663", "Derby South")
            member_person = factories.person(branch=north, first_name="Mo", last_name="Member")
            users = {
                Role.MEMBER: factories.user(Role.MEMBER, person=member_person),
                Role.CANVASSER: factories.user(Role.CANVASSER),
                Role.BRANCH_ORGANISER: factories.user(Role.BRANCH_ORGANISER, branch=north),
                Role.RETURNING_OFFICER: factories.user(Role.RETURNING_OFFICER),
                Role.NATIONAL_ADMIN: factories.user(Role.NATIONAL_ADMIN),
            }
            data = {"users": users, "objects": _objects((north, south), users)}
            yield data
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def users(db, matrix_data):
    return matrix_data["users"]


@pytest.fixture
def objects(db, matrix_data):
    return matrix_data["objects"]


def _objects(branches, users):
    north, south = branches
    from groundswell.members.models import DuplicateCandidate
    from tests.ballots.factories import draft_ballot, published_ballot

    a = factories.person(branch=north, first_name="Nora", last_name="North")
    b = factories.person(branch=north, first_name="Nora", last_name="North", email="")
    sam = factories.person(branch=south, first_name="Sam", last_name="South")
    return {
        "north": a.pk,
        "south": sam.pk,
        **payments(users, a, sam),
        "job": ImportJob.objects.create(
            uploaded_by=users[ADMIN], filename="x.csv", path="/nonexistent", status=ImportJob.Status.DONE
        ).pk,
        "candidate": DuplicateCandidate.objects.create(person=a, other=b, reason="name_postcode").pk,
        "ballot": draft_ballot(users[RO]).pk,
        "published": published_ballot(users[RO]).pk,
        "file": "result.json",
        "tracker": "0123abcd",
        **ground_game(users, north, south),
        **democracy(users, north),
        **groups(users, north),
        **selections(users, north),
        **reach(users, north, south),
        **vetting(users, north, south),
    }


def vetting(users, north, south) -> dict:
    """The member excluded from a draft ballot by the organiser, and appealing; a south
    supporter excluded by the admin; the admin on the appeal panel."""
    from groundswell.vetting import services
    from tests.ballots.factories import draft_ballot

    ballot = draft_ballot(users[RO], title="Vetted")
    case = services.exclusion_propose(
        actor=users[ORG],
        ballot=ballot,
        person=users[MEM].person,
        criterion="abuse",
        evidence="Posts",
        confirm=True,
    )
    appeal = services.appeal_lodge(actor=users[MEM], exclusion=case, statement="Not mine")
    south_case = services.exclusion_propose(
        actor=users[ADMIN],
        ballot=ballot,
        person=factories.person(branch=south, category="registered_supporter"),
        criterion="duplicate",
        evidence="Two sign-ups",
        confirm=True,
    )
    services.panel_appoint(actor=users[ADMIN], user=users[ADMIN])
    return {"vcase": case.pk, "south_vcase": south_case.pk, "vappeal": appeal.pk}


def selections(users, north) -> dict:
    """A Derby North selection (organised by the matrix's organiser) with one application."""
    from groundswell.selections import services
    from tests.selections.test_selections import APPLYING, TT

    sel = services.selection_create(actor=users[ORG], branch=north, title="Derby North", timetable=TT)
    applicant = factories.user(MEM, person=factories.person(branch=north))
    app = services.application_submit(
        actor=applicant, selection=sel, statement="Statement", gender="woman", today=APPLYING
    )
    services.application_submit(
        actor=factories.user(MEM, person=factories.person(branch=north)),
        selection=sel,
        statement="Another",
        gender="man",
        today=APPLYING,
    )
    from groundswell.ballots.services import ballot_open

    nom = services.nomination_vote_open(actor=users[ORG], selection=sel)
    ballot_open(ballot_id=nom.ballot_id)  # the electorate, drawn here (no commit in this module)
    trig = services.trigger_create(
        actor=users[ORG], branch=north, title="Trigger", representative="R", thresholds={"branch": "1/3"}
    )
    tsec = services.trigger_section_ballot_open(actor=users[ORG], trigger=trig)
    ballot_open(ballot_id=tsec.ballot_id)
    return {"sel": sel.pk, "sapp": app.pk, "nom": nom.pk, "trig": trig.pk, "tsec": tsec.pk}


def groups(users, north) -> dict:
    """A party-wide open group in Derby North with the member in it, a post and a response."""
    from datetime import timedelta

    from django.utils import timezone

    from groundswell.groups import services

    facilitator = factories.user(MEM, person=factories.person(branch=north))
    group = services.group_create(user=facilitator, name="Food bank", purpose="Shifts", branch=north)
    services.group_join(user=users[MEM], group=group)
    post = services.post_create(user=facilitator, group=group, kind="offer", title="Lifts")
    responder = factories.user(MEM, person=factories.person(branch=north))
    services.group_join(user=responder, group=group)
    response = services.response_create(user=responder, post=post, share="email")
    start = timezone.now() + timedelta(days=3)
    proposal = services.group_event_propose(
        user=responder,
        group=group,
        title="Picnic",
        place="Park",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )  # awaiting a facilitator's approval
    return {
        "group": group.pk,
        "gperson": responder.person_id,
        "gpost": post.pk,
        "gresponse": response.pk,
        "gevent": proposal.event_id,
    }


def payments(users, north_person, south_person) -> dict:
    """An admin's imported file with one row nobody's reference matched."""
    from groundswell.lifecycle.services import payments_import

    data = (
        b"Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,"
        b"Debit Amount,Credit Amount,Balance\n03/06/2016,FPI,,,NO REFERENCE,,5.00,5.00\n"
    )
    result = payments_import(user=users[ADMIN], fmt="bank_csv", filename="matrix.csv", data=data)
    from datetime import timedelta

    from django.utils import timezone

    from groundswell.lifecycle.services import rules_publish, window_create
    from tests.ballots.factories import draft_ballot

    ballot = draft_ballot(users[RO], title="Rules", opens_in=timedelta(days=2), closes_in=timedelta(days=3))
    doc = {"categories": ["member"], "freeze_date": ballot.freeze_date.isoformat()}
    rules_publish(user=users[RO], ballot=ballot, document=doc, confirm=True)
    now = timezone.now()
    window = window_create(
        user=users[ADMIN], slug="matrix", name="Matrix window", fee_pence=300,
        branch=north_person.memberships.get().branch, opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=2),
    )  # fmt: skip
    return {
        "payment": result.source.payments.get().pk,
        "north_membership": north_person.memberships.get().pk,
        "south_membership": south_person.memberships.get().pk,
        "rules_ballot": ballot.pk,
        "window": window.slug,
    }


def reach(users, north, south) -> dict:
    """A phone bank in each branch, one household on the north one's list."""
    from groundswell.groundgame.models import Elector
    from groundswell.reach.models import CallTarget, PhoneBank

    bank = PhoneBank.objects.create(branch=north, name="North calls", code="n0rth001")
    other = PhoneBank.objects.create(branch=south, name="South calls", code="s0uth001")
    elector = Elector.objects.filter(constituency__branch=north).first()
    target = CallTarget.objects.create(
        bank=bank, household=elector.household, elector=elector, number="+447700900999"
    )
    from groundswell.reach.models import Friend
    from groundswell.reach.referrals import link_token

    owner = factories.user(CAN, email="friends.owner@example.org")
    friend = Friend.objects.create(owner=owner, nickname="Auntie Sue")
    return {
        "phonebank": bank.pk,
        "south_phonebank": other.pk,
        "bank_code": bank.code,
        "call_target": target.pk,
        "friend": friend.pk,
        "referral_token": link_token(factories.person(branch=south)),
    }


def democracy(users, north) -> dict:
    """A motion gathering support, one being voted on, a public event with a reply, a mail-out."""
    from datetime import timedelta

    from django.utils import timezone

    from groundswell.ballots import services as ballots
    from groundswell.events import selectors as event_selectors
    from groundswell.events import services as events
    from groundswell.mailouts.models import MailOut
    from groundswell.mailouts.services import unsubscribe_token
    from groundswell.motions import services as motions
    from groundswell.motions.models import Motion
    from tests.ballots.factories import open_ballot

    proposer = factories.user(MEM, person=factories.person(branch=north))
    motion = motions.motion_propose(
        user=proposer, branch=north, title="Rail", subject="Transport", text="Rail."
    )
    comment = motions.comment_add(user=proposer, motion=motion, body="First.")
    now = timezone.now()
    ballot = ballots.ballot_create(
        actor=None,
        title="Motion: Buses",
        method="fptp",
        seats=1,
        candidates=["For", "Against", "Abstain"],
        eligible_categories=["member"],
        freeze_date=now.date(),
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(days=1),
        branch_id=north.pk,
        in_app=True,
    )
    voting = Motion.objects.create(
        branch=north,
        title="Buses",
        subject="Transport",
        text="Buses.",
        proposed_text="Buses.",
        status=Motion.Status.VOTING,
        ballot=open_ballot(ballot),
    )
    event = events.event_create(
        user=users[ORG],
        branch=north,
        kind="rally",
        title="Rally",
        place="Market Place",
        starts_at=now + timedelta(days=2),
        ends_at=now + timedelta(days=2, hours=2),
        capacity=None,
        visibility="public",
    )
    rsvp = events.rsvp_create(event=event, user=proposer)
    mailout = MailOut.objects.create(
        created_by=users[ADMIN], subject="Hello", body="Hi", segment="branch", branch=north, status="done"
    )
    return {
        "motion": motion.pk,
        "voting_motion": voting.pk,
        "motion_ballot": ballot.pk,
        "comment": comment.pk,
        "event": event.pk,
        "rsvp": rsvp.pk,
        "rsvp_token": rsvp.token,
        "feed": event_selectors.feed_token(proposer.person_id),
        "mailout": mailout.pk,
        "unsubscribe": unsubscribe_token(proposer.person_id),
    }


def ground_game(users, north, south) -> dict:
    from datetime import date, timedelta

    from django.utils import timezone

    from groundswell.groundgame.models import CanvassSession, Constituency, Election, Result

    seat = Constituency.objects.create(
        ons_code=north.ons_code, name=north.name, latitude=52.9, longitude=-1.5, branch=north
    )
    other = Constituency.objects.create(
        ons_code=south.ons_code, name=south.name, latitude=52.9, longitude=-1.48, branch=south
    )
    election = Election.objects.create(polling_day=date(2015, 5, 7), name="2015 general election")
    Result.objects.create(
        election=election,
        constituency=seat,
        electorate=70_000,
        votes={"CON": 100, "LAB": 90},
        total_votes=190,
        winner="CON",
        runner_up="LAB",
        majority=10,
        turnout=60.0,
    )
    start = timezone.now() + timedelta(days=3)
    session = CanvassSession.objects.create(
        constituency=seat,
        title="Canvass",
        meeting_point="Library",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=50,
    )
    job = ImportJob.objects.create(
        kind="register",
        params={"constituency_id": seat.pk},
        filename="r.csv",
        path="/nonexistent",
        status=ImportJob.Status.DONE,
    )
    import uuid

    from groundswell.groundgame.models import (
        Elector,
        Household,
        PollingDistrict,
        RegisterCorrection,
        WalkList,
        WalkListDoor,
    )
    from groundswell.groundgame.services import walk_list_assign

    district = PollingDistrict.objects.create(constituency=seat, code="NA1")
    household = Household.objects.create(
        constituency=seat, polling_district=district, key="1", address_1="1 A St"
    )
    elector = Elector.objects.create(
        constituency=seat,
        polling_district=district,
        household=household,
        elector_number="1",
        number_sort=1000,
        last_name="Doe",
    )
    wl = WalkList.objects.create(constituency=seat, polling_district=district, name="NA1-01", doors=1)
    WalkListDoor.objects.create(walk_list=wl, household=household, position=0)
    walk_list_assign(walk_list=wl, user=users[CAN])
    return {
        "session": session.pk,
        "seat": seat.ons_code,
        "other_seat": other.ons_code,
        "register_job": job.pk,
        "elector": elector.pk,
        "fmt": "csv",
        "correction": str(
            RegisterCorrection.objects.create(
                id=uuid.uuid4(), kind="new", household=household, last_name="X"
            ).pk
        ),
        "walk_list": wl.pk,
    }


def _request(client, method, path):
    if method == "get":
        return client.get(path)
    if method == "delete":
        return client.delete(path)
    return client.post(path, {"action": "dismiss"})


@pytest.mark.parametrize("method,template,allowed,refused_status", MATRIX)
@pytest.mark.parametrize("role", ALL)
def test_role_against_url(client, users, objects, role, method, template, allowed, refused_status):
    path = template.format(**objects)
    client.force_login(users[role])
    response = _request(client, method, path)
    if allowed == PUBLIC or role in allowed:
        # let in: whatever the answer (a redirect, a form error), it is not a refusal
        assert response.status_code not in (401, 403, 404) and response.status_code < 500, (
            role,
            path,
            response.status_code,
        )
        assert response.status_code != 422 or method == "post"
    else:
        expected = refused_status if isinstance(refused_status, tuple) else (refused_status,)
        assert response.status_code in expected, (role, path, response.status_code)


@pytest.mark.parametrize("method,template,allowed,refused_status", MATRIX)
def test_anonymous_is_sent_to_sign_in(client, objects, method, template, allowed, refused_status):
    response = _request(client, method, template.format(**objects))
    if allowed == PUBLIC:
        assert response.status_code not in (401, 403, 404) and response.status_code < 500
    elif template.startswith("/api/"):
        assert response.status_code == 401
    else:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            yield from _patterns(p, route)
        elif isinstance(p, URLPattern):
            yield route


def _normalise(route: str) -> str:
    import re

    route = route.split("?")[0].lstrip("^").rstrip("$")
    return re.sub(r"<[^>]+>|\{[^}]+\}", "X", route).strip("/")


def test_every_url_is_in_the_matrix():
    covered = {_normalise(t.format(**FILL)) for _, t, _, _ in MATRIX}
    missing = []
    for route in _patterns():
        if route.startswith(PUBLIC_OR_DJANGO) or route.startswith("api/"):
            continue
        if _normalise(route) not in covered:
            missing.append(route)
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method in operations:
            key = "/" + _normalise(path)
            if not any(m == method and "/" + _normalise(t.format(**FILL)) == key for m, t, _, _ in MATRIX):
                missing.append(f"{method.upper()} {path}")
    assert missing == []

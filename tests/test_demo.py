"""`groundswell demo` loads real branches, synthetic members and ballots, and is safe to re-run."""

from django.core.management import call_command

from groundswell.accounts.models import User
from groundswell.ballots.models import Ballot
from groundswell.members.models import Branch, Person


def test_demo_loads_and_running_it_again_adds_nothing(db, capsys):
    call_command("demo", members=300, electors=2000, quiet=True, postcode_areas="DE,NG")
    out = capsys.readouterr().out
    assert "admin@demo.groundswell.local" in out and "groundswell-demo" in out
    assert "voting code" in out
    # the open ballot's trustees' shares are printed, and any two of them count it
    shares = [
        line.split(": ", 1)[1].strip() for line in out.splitlines() if line.strip().startswith("trustee ")
    ]
    assert len(shares) == 3 and all(len(s.split()) == 33 for s in shares)
    from groundswell.ballots import services

    open_ballot = Ballot.objects.get(in_app=False, status="open")
    assert services.rebuild_key(open_ballot, shares[1:]).fingerprint == open_ballot.key_fingerprint
    assert Branch.objects.count() == 650
    assert Branch.objects.get(ons_code="E14000662").name == "Derby North"
    people = Person.objects.count()
    assert people >= 300 and Person.objects.filter(synthetic=False).count() == 0
    statuses = sorted(Ballot.objects.filter(in_app=False).values_list("status", flat=True))
    assert statuses == ["draft", "open", "published", "published"]  # rules (issue 16), leadership, selection
    from groundswell.selections.models import Nomination, Selection, TriggerBallot

    selection = Selection.objects.get(title__contains="synthetic demo", branch__name="Derby North")
    assert selection.ballot.status == "published" and selection.ballot.result["winners"]
    assert selection.hustings_events.count() == 1 and selection.shortlist_confirmed_at
    made = Nomination.objects.filter(selection=selection, status="made")
    assert made.count() == 4  # a branch vote, 3 unions
    # consistent as a story: every shortlisted applicant was nominated, the branch's vote was
    # decided before the members' ballot closed, and no statement contradicts the count
    shortlisted = selection.applications.filter(status="shortlisted")
    assert shortlisted.count() >= 2
    assert all(made.filter(application=a).exists() for a in shortlisted)
    assert all(n.decided_on < selection.ballot_closes for n in made)
    assert not shortlisted.filter(statement__contains="votes from winning").exists()
    assert TriggerBallot.objects.get().published_at is not None
    from groundswell.events.models import Event
    from groundswell.motions.models import Motion

    assert sorted(Motion.objects.values_list("status", flat=True)) == ["gathering", "voting"]
    assert Motion.objects.get(status="voting").ballot.status == "open"
    assert Event.objects.count() == 6 and all(  # four, a hustings and a group event awaiting approval
        "synthetic" in t for t in Event.objects.values_list("title", flat=True)
    )
    from groundswell.groups.models import Post, WorkingGroup

    assert WorkingGroup.objects.count() == 2 and all(
        "synthetic" in g.purpose.lower() and g.branch.name == "Derby North"
        for g in WorkingGroup.objects.all()
    )
    assert Post.objects.filter(group__isnull=False).count() == 3
    from groundswell.reach.models import PhoneBank, TpsNumber
    from groundswell.reach.selectors import suppressed_q

    bank = PhoneBank.objects.get(name__contains="synthetic")
    assert bank.targets.count() > 0 and TpsNumber.objects.exists()
    assert not bank.targets.filter(suppressed_q()).exists()  # the demo's TPS numbers are left out
    assert all(
        n.startswith(("+447700900", "+441632960")) for n in bank.targets.values_list("number", flat=True)
    )
    from groundswell.vetting.models import Appeal, Exclusion

    assert Exclusion.objects.filter(ballot=open_ballot, evidence__contains="synthetic").count() == 2
    assert Appeal.objects.filter(exclusion__ballot=open_ballot, decision="").count() == 1
    from groundswell.reach.models import CallAttempt, Friend, Referral

    assert CallAttempt.objects.filter(bank=bank).count() == 40  # the dashboard has calls to show
    assert Friend.objects.filter(nickname__contains="synthetic").count() == 5
    assert Friend.objects.filter(shared_contact__isnull=False).count() == 1
    assert Referral.objects.filter(kind="join").count() == 6
    ballots = Ballot.objects.count()
    assert User.objects.filter(email__endswith="@demo.groundswell.local").count() == 5
    users = User.objects.count()
    from groundswell.groundgame.models import CanvassSession, Elector

    assert Elector.objects.filter(synthetic=True).count() >= 2000 and CanvassSession.objects.exists()
    sessions = CanvassSession.objects.count()
    call_command("demo", members=300, electors=2000, quiet=True, postcode_areas="DE,NG")
    assert (
        Person.objects.count() == people
        and WorkingGroup.objects.count() == 2
        and Ballot.objects.count() == ballots
        and User.objects.count() == users
    )
    assert CanvassSession.objects.count() == sessions
    assert Motion.objects.count() == 2 and Event.objects.count() == 6
    assert Selection.objects.count() == 1 and TriggerBallot.objects.count() == 1
    assert PhoneBank.objects.count() == 1
    assert Exclusion.objects.count() == 2 and Appeal.objects.count() == 1
    assert Friend.objects.count() == 5 and Referral.objects.count() == 6 and CallAttempt.objects.count() == 40

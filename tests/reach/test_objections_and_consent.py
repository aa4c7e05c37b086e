"""Do not call, across the doorstep and the phone; the TPS file and consent pages. Played
by the adversary first: a doorstep objection that a phone bank ignores, an organiser who
lifts TPS suppression for a number outside their branch or without evidence, or who takes
back someone's objection for them."""

import json
import uuid
from datetime import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from groundswell.accounts.models import AuditEvent, Role
from groundswell.accounts.policies import Refused
from groundswell.groundgame.models import Elector
from groundswell.reach import services
from groundswell.reach.models import CallTarget, DoNotCall, PhoneBank, PhoneConsent, TpsNumber
from groundswell.reach.selectors import is_suppressed
from tests import factories
from tests.browser.test_doorstep_offline import make_list


@pytest.fixture
def seat(branches, users):
    north, _ = branches
    seat, wl = make_list(north, users[Role.CANVASSER], n=3)
    electors = list(Elector.objects.filter(constituency=seat).order_by("number_sort"))
    for i, e in enumerate(electors, start=1):
        services.elector_phone_set(elector=e, number=f"07700 900{i:03d}")
    return wl, electors


def doorstep(client, elector, wl, **extra):
    body = {
        "contacts": [
            {
                "id": str(uuid.uuid4()),
                "elector": elector.pk,
                "walk_list": wl.pk,
                "code": "DK",
                "recorded_at": timezone.now().isoformat(),
                **extra,
            }
        ]
    }
    return client.post("/api/canvass/contacts", json.dumps(body), content_type="application/json")


def test_dont_phone_me_on_the_doorstep_is_honoured_by_every_phone_bank(client, users, seat, branches):
    north, _ = branches
    wl, (e1, e2, _e3) = seat
    org = users[Role.BRANCH_ORGANISER]
    open_bank = services.phone_bank_create(user=org, branch=north, name="Open")
    client.force_login(users[Role.CANVASSER])
    assert doorstep(client, e1, wl, no_calls=True).json()["created"] == 1
    assert doorstep(client, e2, wl).json()["created"] == 1  # an ordinary contact: no objection
    assert is_suppressed("+447700900001") and not is_suppressed("+447700900002")
    assert CallTarget.objects.get(bank=open_bank, elector=e1).state == "never"
    later = services.phone_bank_create(user=org, branch=north, name="Later")
    assert e1.pk not in later.targets.values_list("elector_id", flat=True)
    # a number found for them later is suppressed too
    services.elector_phone_set(elector=e1, number="07700 900999")
    assert is_suppressed("+447700900999")
    # an organiser or an admin cannot take it back for them
    for role in (Role.BRANCH_ORGANISER, Role.NATIONAL_ADMIN):
        with pytest.raises(Refused):
            services.do_not_call_reverse(user=users[role], number="07700 900001")
    # nor can whoever has that number on their member record (an organiser's import writes
    # it): an objection taken on the doorstep stays (tests/reach/test_adversary_dnc_reversal.py)
    me = factories.person(branch=north, first_name="Voter")
    me.phone = "07700 900999"
    me.save(update_fields=["phone"])
    person_user = factories.user(Role.MEMBER, person=me, email="voter1@example.org")
    client.force_login(person_user)
    page = client.post("/me/calls/", {"action": "reverse"}, follow=True)
    assert "taken by a caller or canvasser" in page.content.decode()
    assert is_suppressed("+447700900999")
    assert not AuditEvent.objects.filter(action="reach.do_not_call_reversed").exists()
    again = services.phone_bank_create(user=org, branch=north, name="Again")
    assert e1.pk not in again.targets.values_list("elector_id", flat=True)
    # an objection the person made themselves, signed in, they take back (audited)
    client.post("/me/calls/", {"action": "block"})  # already on the list: the canvasser's stays
    mine = factories.person(branch=north, first_name="Own")
    mine.phone = "07700 900555"
    mine.save(update_fields=["phone"])
    own_user = factories.user(Role.MEMBER, person=mine, email="own@example.org")
    client.force_login(own_user)
    client.post("/me/calls/", {"action": "block"})
    assert is_suppressed("+447700900555")
    client.post("/me/calls/", {"action": "reverse"})
    assert not is_suppressed("+447700900555")
    assert AuditEvent.objects.filter(action="reach.do_not_call_reversed", actor=own_user).exists()


def test_do_not_call_on_the_phone_closes_every_bank_and_the_doorstep_cannot_undo_it(
    client, users, seat, branches
):
    north, _ = branches
    wl, (e1, *_rest) = seat
    org = users[Role.BRANCH_ORGANISER]
    a = services.phone_bank_create(user=org, branch=north, name="A")
    b = services.phone_bank_create(user=org, branch=north, name="B")
    PhoneBank.objects.update(opens=time(0), closes=time(23, 59, 59))
    a.refresh_from_db()
    caller = factories.user(Role.CANVASSER, email="c@example.org")
    services.phone_bank_join(user=caller, code=a.code)
    while (t := services.call_next(bank=a, user=caller)).elector_id != e1.pk:
        services.call_wrap_up(bank=a, user=caller, target_id=t.pk, outcome="no_answer")
    services.call_wrap_up(bank=a, user=caller, target_id=t.pk, outcome="do_not_call")
    assert CallTarget.objects.get(bank=b, elector=e1).state == "never"
    # a later doorstep contact (even a warm one) does not lift the objection
    client.force_login(users[Role.CANVASSER])
    assert doorstep(client, e1, wl, code="LAB", no_calls=False).json()["created"] == 1
    assert is_suppressed("+447700900001")
    assert e1.pk not in services.phone_bank_create(user=org, branch=north, name="C").targets.values_list(
        "elector_id", flat=True
    )


def test_a_tps_file_is_imported_from_the_page_by_a_national_admin_only(client, users):
    good = SimpleUploadedFile("tps.txt", b"number\n07700 900001\n+44 1632 960002\n")
    bad = SimpleUploadedFile("tps.txt", b"07700 900001\nnot a phone\n")
    client.force_login(users[Role.BRANCH_ORGANISER])
    assert client.post("/phonebanks/tps/", {"file": good}).status_code == 403
    client.force_login(users[Role.NATIONAL_ADMIN])
    page = client.post("/phonebanks/tps/", {"file": bad}, follow=True).content.decode()
    assert "tps.txt, line 2" in page.lower() and not TpsNumber.objects.exists()
    good.seek(0)
    page = client.post("/phonebanks/tps/", {"file": good}, follow=True).content.decode()
    assert TpsNumber.objects.count() == 2 and "2 numbers" in page


def test_consent_is_recorded_with_evidence_for_a_number_in_the_organisers_branch_only(
    client, users, seat, branches
):
    _north, south = branches
    TpsNumber.objects.bulk_create([TpsNumber(number="+447700900001"), TpsNumber(number="+447700901001")])
    southern = factories.person(branch=south)
    southern.phone = "07700 901001"
    southern.save(update_fields=["phone"])
    org = users[Role.BRANCH_ORGANISER]
    assert is_suppressed("+447700900001")
    with pytest.raises(Refused) as e:
        services.consent_record(user=org, number="07700 900001", evidence="ok")
    assert e.value.status == 422
    with pytest.raises(Refused) as e:  # a member of another branch
        services.consent_record(user=org, number="07700 901001", evidence="Signed our petition form 3 May")
    assert e.value.status == 403 and is_suppressed("+447700901001")
    client.force_login(org)
    page = client.post(
        "/phonebanks/consent/",
        {"number": "07700 900001", "evidence": "Ticked 'call me' on the doorstep form, 3 May"},
        follow=True,
    ).content.decode()
    assert "Consent recorded" in page and not is_suppressed("+447700900001")
    assert PhoneConsent.objects.get().recorded_by == org
    assert AuditEvent.objects.filter(action="reach.consent").exists()
    # consent never lifts an objection
    DoNotCall.objects.create(number="+447700900001")
    assert is_suppressed("+447700900001")
    client.force_login(users[Role.CANVASSER])
    assert client.get("/phonebanks/consent/").status_code == 403

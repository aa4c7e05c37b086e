"""A person asks what the party holds about them, then to be erased. The consent an organiser
recorded for their number (with its evidence: where and how they agreed, often naming them)
and their own "never call me" are about them: subject access must show them, and erasure
must not leave a consent that still lifts TPS suppression for an erased person's number."""

import pytest

from groundswell.accounts.models import Role
from groundswell.members.services import person_erase, person_subject_access
from groundswell.reach import services
from groundswell.reach.models import PhoneConsent, TpsNumber
from groundswell.reach.selectors import is_suppressed
from tests import factories

pytestmark = pytest.mark.django_db

NUMBER = "07700 900777"
EVIDENCE = "Pat Smith said yes at her door on 3 May, canvass sheet 12"


@pytest.fixture
def pat(branches):
    north, _ = branches
    person = factories.person(branch=north, first_name="Pat", last_name="Smith")
    person.phone = NUMBER
    person.save(update_fields=["phone"])
    return person


def test_subject_access_shows_the_consent_recorded_for_my_number_and_my_objection(pat, users):
    services.consent_record(user=users[Role.BRANCH_ORGANISER], number=NUMBER, evidence=EVIDENCE)
    services.do_not_call_record(number=NUMBER, by=None)
    data = person_subject_access(person=pat, actor=users[Role.NATIONAL_ADMIN])
    text = repr(data["reach"])
    assert EVIDENCE in text
    assert "do_not_call" in text and "True" in text


def test_erasure_removes_the_consent_that_lifted_tps_for_my_number(pat, users):
    TpsNumber.objects.create(number="+447700900777")
    services.consent_record(user=users[Role.BRANCH_ORGANISER], number=NUMBER, evidence=EVIDENCE)
    assert not is_suppressed("+447700900777")
    person_erase(person=pat, actor=users[Role.NATIONAL_ADMIN], confirm=True)
    assert not PhoneConsent.objects.filter(evidence__contains="Pat Smith").exists()
    assert is_suppressed("+447700900777"), "an erased person's TPS number is still callable"

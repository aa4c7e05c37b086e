"""What reach holds about a (volunteer) person: the phone banks they joined and built, the
households they hold, consents and objections they recorded. Electors' numbers belong to
the register's data (refreshed from canvasses), not member records."""

from groundswell.members.personal_data import account_of, null_user, register
from groundswell.reach.models import (
    CallAttempt,
    Caller,
    CallTarget,
    DoNotCall,
    ElectorObjection,
    Friend,
    PhoneBank,
    PhoneConsent,
    Referral,
    ReferralLink,
)


def _referrals(person) -> dict:
    """Counts only: who a member brought in is the other people's data, and whose link a
    person came through is never shown person by person (not even to them)."""
    from groundswell.reach.referrals import own_counts

    link = ReferralLink.objects.filter(person=person).first()
    return {
        "referral_link": link.token if link else None,
        "brought_in": own_counts(person),
        "referred": list(
            Referral.objects.filter(person=person).values_list("kind", flat=True).order_by("kind")
        ),
    }


def _own_number(person) -> str | None:
    from groundswell.core.reach.numbers import normalise

    try:
        return normalise(person.phone) if person.phone else None
    except ValueError:
        return None


def _number(person) -> dict:
    """What is kept against the person's own number: the consents recorded for it (their
    evidence often names them) and whether it is on do-not-call."""
    number = _own_number(person)
    if number is None:
        return {}
    return {
        "phone_consents": [
            {"evidence": evidence, "recorded_at": at.isoformat()}
            for evidence, at in PhoneConsent.objects.filter(number=number)
            .order_by("recorded_at")
            .values_list("evidence", "recorded_at")
        ],
        "do_not_call": DoNotCall.objects.filter(number=number).exists(),
    }


def access(person) -> dict:
    user = account_of(person)
    data = (
        _referrals(person)
        | _number(person)
        | {
            "on_call_lists": list(
                CallTarget.objects.filter(person=person).values_list(
                    "bank__name", "number", "state", "last_outcome"
                )
            ),
        }
    )
    if user is None:
        return data
    return data | {
        "phone_banks_joined": list(Caller.objects.filter(user=user).values_list("bank__name", flat=True)),
        "phone_banks_built": list(PhoneBank.objects.filter(created_by=user).values_list("name", flat=True)),
        "households_held": CallTarget.objects.filter(assigned_to=user).count(),
        "calls_made": CallAttempt.objects.filter(caller=user).count(),
        "people_i_know": list(Friend.objects.filter(owner=user).values("nickname", "how_known", "outcome")),
        "consents_recorded": PhoneConsent.objects.filter(recorded_by=user).count(),
        "objections_recorded": DoNotCall.objects.filter(recorded_by=user).count()
        + ElectorObjection.objects.filter(recorded_by=user).count(),
    }


def erase(person) -> None:
    # a consent for their number goes (it named them, and would still lift TPS suppression
    # for an erased person); do-not-call stays: a suppression list is kept to honour it
    number = _own_number(person)
    if number is not None:
        PhoneConsent.objects.filter(number=number).delete()
    # totals stay (they hold the referrer's branch), the links to this person go
    ReferralLink.objects.filter(person=person).delete()
    CallTarget.objects.filter(person=person).delete()  # off every members' call list
    Referral.objects.filter(referrer=person).update(referrer=None)
    Referral.objects.filter(person=person).update(person=None)
    user = account_of(person)
    if user is None:
        return
    Caller.objects.filter(user=user).delete()
    Friend.objects.filter(owner=user).delete()
    CallTarget.objects.filter(assigned_to=user).update(assigned_to=None, lease_until=None)
    CallTarget.objects.filter(held_for=user).update(held_for=None, held_until=None)
    for model, field in (
        (CallAttempt, "caller"),
        (PhoneBank, "created_by"),
        (PhoneConsent, "recorded_by"),
        (DoNotCall, "recorded_by"),
        (ElectorObjection, "recorded_by"),
    ):
        null_user(model, field, user)


register(
    "reach",
    models=[
        "reach.CallAttempt",
        "reach.Caller",
        "reach.Friend",
        "reach.CallTarget",
        "reach.PhoneBank",
        "reach.PhoneConsent",
        "reach.DoNotCall",
        "reach.ElectorObjection",
        "reach.ReferralLink",
        "reach.Referral",
    ],
    access=access,
    erase=erase,
)

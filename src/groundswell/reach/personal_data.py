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


def access(person) -> dict:
    user = account_of(person)
    data = _referrals(person) | {
        "on_call_lists": list(
            CallTarget.objects.filter(person=person).values_list(
                "bank__name", "number", "state", "last_outcome"
            )
        ),
    }
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

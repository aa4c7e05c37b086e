from datetime import datetime, time

from django.utils import timezone

from groundswell.groundgame.models import Constituency, Elector, Household, PollingDistrict
from groundswell.reach.services import elector_phone_set


def seat_with_phones(branch, n=5, prefix="07700 900"):
    """A seat for `branch` with n households, each one elector with a phone number."""
    seat = Constituency.objects.create(ons_code=branch.ons_code, name=branch.name, branch=branch)
    pd = PollingDistrict.objects.create(constituency=seat, code=branch.ons_code[-3:])
    electors = []
    for i in range(1, n + 1):
        h = Household.objects.create(
            constituency=seat,
            polling_district=pd,
            key=f"{i} st",
            address_1=f"{i} High Street",
            postcode="DE22 1AB",
        )
        e = Elector.objects.create(
            constituency=seat,
            polling_district=pd,
            household=h,
            elector_number=str(i),
            number_sort=i * 1000,
            first_name="Voter",
            last_name=f"Number{i}",
        )
        elector_phone_set(elector=e, number=f"{prefix}{i:03d}", source="test")
        electors.append(e)
    return seat, electors


def daytime(hour=12, minute=0):
    return timezone.make_aware(datetime.combine(timezone.localdate(), time(hour, minute)))

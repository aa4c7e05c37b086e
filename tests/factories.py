"""Small factories: each test builds exactly the people and branches it talks about."""

from __future__ import annotations

import itertools
from datetime import date

from groundswell.accounts.models import Role, User
from groundswell.accounts.services import role_grant
from groundswell.members.models import Affiliate, Branch, Category, Membership, Person

PASSWORD = "correct horse battery staple"
_seq = itertools.count(1)


def branch(ons_code: str | None = None, name: str | None = None) -> Branch:
    n = next(_seq)
    return Branch.objects.create(
        ons_code=ons_code or f"E1490{n:04d}", name=name or f"Testshire {n}", latitude=52.9, longitude=-1.5
    )


def person(
    *,
    branch: Branch,
    category: str = Category.MEMBER,
    first_name: str = "Ada",
    last_name: str | None = None,
    email: str | None = None,
    postcode: str = "DE22 1AB",
    joined_on: date = date(2015, 9, 1),
    lapsed_on: date | None = None,
    affiliate: str | None = None,
    number: str | None = None,
) -> Person:
    n = next(_seq)
    last_name = last_name or f"Lovelace{n}"
    email = email if email is not None else f"ada{n}@example.org"
    p = Person.objects.create(
        first_name=first_name,
        last_name=last_name,
        email=email,
        email_key=email.lower(),
        postcode=postcode,
    )
    membership(
        p,
        branch=branch,
        category=category,
        joined_on=joined_on,
        lapsed_on=lapsed_on,
        affiliate=affiliate,
        number=number,
    )
    return p


def membership(
    p: Person,
    *,
    branch: Branch,
    category: str = Category.MEMBER,
    joined_on: date = date(2015, 9, 1),
    lapsed_on: date | None = None,
    affiliate: str | None = None,
    number: str | None = None,
) -> Membership:
    aff = None
    if category == Category.AFFILIATED_SUPPORTER:
        aff, _ = Affiliate.objects.get_or_create(name=affiliate or "Unite")
    return Membership.objects.create(
        person=p,
        membership_number=number or f"T{next(_seq):07d}",
        branch=branch,
        category=category,
        affiliate=aff,
        joined_on=joined_on,
        lapsed_on=lapsed_on,
    )


def user(
    role: str | None = None,
    *,
    branch: Branch | None = None,
    person: Person | None = None,
    email: str | None = None,
) -> User:
    n = next(_seq)
    u = User.objects.create_user(email=email or f"user{n}@example.org", password=PASSWORD, person=person)
    if role:
        role_grant(user=u, role=role, branch=branch if role == Role.BRANCH_ORGANISER else None)
    return u

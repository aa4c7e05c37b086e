"""What every page needs: the signed-in user's roles, for the navigation."""

from groundswell.accounts.selectors import user_roles


def navigation(request) -> dict:
    """The menu shows each person the pages their role may open (and no others), so nobody
    has to know a URL to reach a page meant for them."""
    user = getattr(request, "user", None)
    roles = user_roles(user)
    signed_in = getattr(user, "is_authenticated", False)
    person = getattr(user, "person", None) if signed_in else None
    return {
        "is_trustee": _is_trustee(user),
        "roles": roles,
        "can_manage_members": bool(roles & {"national_admin", "branch_organiser"}),
        "is_national_admin": "national_admin" in roles,
        "can_run_ballots": bool(roles & {"national_admin", "returning_officer"}),
        "has_role": bool(roles),
        "has_person": person is not None,
        "has_vetting_case": _has_vetting_case(person),
    }


def _has_vetting_case(person) -> bool:
    """/me/vetting/ is in the menu only for someone with a decided exclusion to read or appeal."""
    if person is None:
        return False
    from groundswell.vetting.selectors import my_exclusions

    return bool(my_exclusions(person))


def _is_trustee(user) -> bool:
    """Holds a share of a ballot not yet published (a scrutineer may have no other role)."""
    if not getattr(user, "is_authenticated", False):
        return False
    from groundswell.ballots.selectors import trustee_ballots

    return trustee_ballots(user).exclude(status="published").exists()

"""What every page needs: the signed-in user's roles, for the navigation."""

from groundswell.accounts.selectors import user_roles


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    roles = user_roles(user)
    return {
        "is_trustee": _is_trustee(user),
        "roles": roles,
        "can_manage_members": bool(roles & {"national_admin", "branch_organiser"}),
        "is_national_admin": "national_admin" in roles,
        "can_run_ballots": bool(roles & {"national_admin", "returning_officer"}),
    }


def _is_trustee(user) -> bool:
    """Holds a share of a ballot not yet published (a scrutineer may have no other role)."""
    if not getattr(user, "is_authenticated", False):
        return False
    from groundswell.ballots.selectors import trustee_ballots

    return trustee_ballots(user).exclude(status="published").exists()

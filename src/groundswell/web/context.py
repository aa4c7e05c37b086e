"""What every page needs: the signed-in user's roles, for the navigation."""

from groundswell.accounts.selectors import user_roles


def navigation(request) -> dict:
    roles = user_roles(getattr(request, "user", None))
    return {
        "roles": roles,
        "can_manage_members": bool(roles & {"national_admin", "branch_organiser"}),
        "is_national_admin": "national_admin" in roles,
        "can_run_ballots": bool(roles & {"national_admin", "returning_officer"}),
    }

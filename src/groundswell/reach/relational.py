"""Relational organising: a volunteer's private list of people they know, the asks they
made and what came of them. Every read and write goes through the owner: another
volunteer, an organiser or a national admin gets 404, as if the entry did not exist; the
organisation sees only totals (`friend_totals`)."""

from __future__ import annotations

from urllib.parse import quote

from django.db.models import Count
from django.utils import timezone

from groundswell.accounts.policies import Refused
from groundswell.accounts.selectors import is_national_admin, organised_branch_ids
from groundswell.reach.models import Friend

SUGGESTED = {
    "": "Hi {name}, it's me. There's an election coming and I'm helping out locally. Can I tell you why?",
    "will_vote": "Hi {name}, thanks for saying you'll vote! Polling stations are open 7am to 10pm.",
    "will_volunteer": "Hi {name}, great that you'd like to help. Come canvassing with me this weekend?",
    "joined": "Hi {name}, welcome aboard! See you at the next branch meeting.",
    "not_interested": "Hi {name}, no worries at all. Thanks for hearing me out.",
}
MAX_FRIENDS = 500


def friends_of(user) -> list[Friend]:
    return list(Friend.objects.filter(owner_id=user.pk).order_by("nickname", "pk"))


def _own(user, friend_id: int) -> Friend:
    friend = Friend.objects.filter(pk=friend_id, owner_id=user.pk).first()
    if friend is None:  # not theirs, or not there: the same answer
        raise Refused("reach.no_friend", "not on your list", status=404)
    return friend


def friend_add(*, user, nickname: str, how_known: str = "") -> Friend:
    nickname = (nickname or "").strip()
    if not nickname:
        raise Refused("reach.nickname", "give them a name you know them by", status=422)
    if Friend.objects.filter(owner_id=user.pk).count() >= MAX_FRIENDS:
        raise Refused("reach.too_many", f"a list holds up to {MAX_FRIENDS} people", status=409)
    return Friend.objects.create(owner=user, nickname=nickname[:60], how_known=(how_known or "").strip()[:60])


def friend_record(*, user, friend_id: int, outcome: str) -> Friend:
    friend = _own(user, friend_id)
    if outcome not in Friend.Outcome.values:
        raise Refused("reach.friend_outcome", f"unknown outcome {outcome!r}", status=422)
    friend.outcome, friend.asked_at = outcome, timezone.now()
    friend.save(update_fields=["outcome", "asked_at"])
    return friend


def friend_remove(*, user, friend_id: int) -> None:
    _own(user, friend_id).delete()


def share_links(friend: Friend) -> dict[str, str]:
    """Messages go from the volunteer's own phone: an sms: link and a WhatsApp share link
    with a suggested text (nothing is sent by the server)."""
    text = SUGGESTED.get(friend.outcome, SUGGESTED[""]).format(name=friend.nickname)
    return {
        "text": text,
        "sms": f"sms:?&body={quote(text)}",
        "whatsapp": f"https://wa.me/?text={quote(text)}",
    }


def friend_totals(user) -> dict:
    """What the organisation sees: counts by outcome and how many volunteers keep a list,
    for the organiser's branches (volunteers who are members there) or nationally; no names."""
    qs = Friend.objects.all()
    if not is_national_admin(user):
        branches = organised_branch_ids(user)
        if not branches:
            raise Refused("reach.totals", "only organisers and national admins see these totals", status=403)
        from django.contrib.auth import get_user_model

        owners = get_user_model().objects.filter(person__memberships__branch_id__in=branches).values("pk")
        qs = qs.filter(owner_id__in=owners)
    by_outcome = dict(qs.values_list("outcome").annotate(n=Count("id")))
    return {
        "people": sum(by_outcome.values()),
        "volunteers": qs.values("owner_id").distinct().count(),
        "by_outcome": {Friend.Outcome(k).label: v for k, v in by_outcome.items()},
    }

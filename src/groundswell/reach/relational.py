"""Relational organising: a volunteer's private list of people they know, the asks they
made and what came of them. Every read and write goes through the owner: another
volunteer, an organiser or a national admin gets 404, as if the entry did not exist; the
organisation sees only totals (`friend_totals`)."""

from __future__ import annotations

from urllib.parse import quote

from django.core import signing
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from groundswell.accounts.policies import Refused
from groundswell.accounts.selectors import is_national_admin, organised_branch_ids
from groundswell.reach.models import Friend

SUGGESTED = {
    "": "Hi {name}, it's me. There's an election coming and I'm helping out locally. Can I tell you why?",
    "will_vote": "Hi {name}, thanks for saying you'll vote! Need a lift on the day? Just ask.",
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


def friend_record(*, user, friend_id: int, outcome: str, ask: str | None = None) -> Friend:
    """What the volunteer asked (vote, volunteer, join) and what came of it. Shares nothing:
    see `friend_share`."""
    friend = _own(user, friend_id)
    if outcome not in Friend.Outcome.values:
        raise Refused("reach.friend_outcome", f"unknown outcome {outcome!r}", status=422)
    if ask is not None and ask not in Friend.Ask.values:
        raise Refused("reach.friend_ask", f"unknown ask {ask!r}", status=422)
    friend.outcome, friend.asked_at = outcome, timezone.now()
    if ask is not None:
        friend.ask = ask
    friend.save(update_fields=["outcome", "asked_at", "ask"])
    return friend


def friend_ask(*, user, friend_id: int, ask: str) -> Friend:
    """Record what was asked before any answer comes (the answer, if one was recorded
    already, stays: changing the ask is not a new reply)."""
    friend = _own(user, friend_id)
    if ask not in Friend.Ask.values:
        raise Refused("reach.friend_ask", f"unknown ask {ask!r}", status=422)
    friend.ask, friend.asked_at = ask, timezone.now()
    friend.save(update_fields=["asked_at", "ask"])
    return friend


# -- matching to the register: found by what the volunteer typed, confirmed by them --------

LOOKUPS_PER_DAY = 20
MATCH_SALT = "groundswell.reach.friend_match"


def _postcode(text: str) -> str:
    compact = "".join((text or "").split()).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def friend_match_find(*, user, friend_id: int, first_name: str, last_name: str, postcode: str) -> dict | None:
    """Looks for exactly one elector of the register with the name and postcode the
    volunteer typed. Says back only what they typed (as the register spells it) and a
    signed token to confirm with: no address, no elector number, nothing when two or none
    match. Lookups are limited per volunteer and day, so the register cannot be fished."""
    from groundswell.accounts.services import throttle_allow
    from groundswell.groundgame.models import Elector

    friend = _own(user, friend_id)
    first_name, last_name, postcode = (
        (first_name or "").strip(),
        (last_name or "").strip(),
        _postcode(postcode),
    )
    if not last_name or not postcode:
        raise Refused("reach.match", "give their surname and postcode", status=422)
    if not throttle_allow(key=f"reach.friend_match:{user.pk}", limit=LOOKUPS_PER_DAY, window_seconds=86400):
        raise Refused(
            "reach.match_limit", f"up to {LOOKUPS_PER_DAY} look-ups a day: try tomorrow", status=429
        )
    found = list(
        Elector.objects.filter(
            first_name__iexact=first_name,
            last_name__iexact=last_name,
            household__postcode__iexact=postcode,
            left_on__isnull=True,
        ).values_list("pk", "first_name", "last_name")[:2]
    )
    if len(found) != 1:
        return None
    pk, first, last = found[0]
    token = signing.dumps({"f": friend.pk, "u": user.pk, "e": pk}, salt=MATCH_SALT)
    return {"label": f"{first} {last}, {postcode}".strip(), "token": token}


def friend_match_confirm(*, user, friend_id: int, token: str) -> Friend:
    """The volunteer confirms the match (the token ties it to this friend of theirs and to
    the elector found, for an hour)."""
    friend = _own(user, friend_id)
    try:
        claim = signing.loads(token or "", salt=MATCH_SALT, max_age=3600)
    except signing.BadSignature:
        raise Refused(
            "reach.match_token", "that match has expired or is not valid: look them up again", status=422
        ) from None
    if claim.get("f") != friend.pk or claim.get("u") != user.pk:
        raise Refused("reach.match_token", "that match was for someone else on your list", status=422)
    friend.elector_id = int(claim["e"])
    friend.save(update_fields=["elector"])
    return friend


def friend_unmatch(*, user, friend_id: int) -> Friend:
    friend = _own(user, friend_id)
    friend.elector_id = None
    friend.save(update_fields=["elector"])
    return friend


SHAREABLE = {"will_vote", "will_volunteer", "joined"}


def friend_share(*, user, friend_id: int) -> Friend:
    """Only when the volunteer chooses: the matched person's result becomes a contact
    record of the register (channel "friend"), so knock-up lists and dashboards count it.
    The record names no canvasser: the party learns the elector's answer, never who in the
    party knows them. Sharing twice adds nothing."""
    from django.conf import settings

    from groundswell.groundgame.services import contact_record_by_phone

    friend = _own(user, friend_id)
    if friend.elector_id is None:
        raise Refused("reach.share_unmatched", "match them to the register first", status=409)
    if friend.outcome not in SHAREABLE:
        raise Refused(
            "reach.share_outcome",
            "record a result to share first (will vote, will volunteer, joined)",
            status=409,
        )
    if friend.shared_contact is not None:
        return friend
    with transaction.atomic():
        contact = contact_record_by_phone(
            elector_id=friend.elector_id,
            caller=None,
            item={"code": settings.GROUNDSWELL_PARTY, "pledged": friend.outcome == "will_vote"},
            recorded_at=timezone.now(),
            channel="friend",
        )
        friend.shared_contact = contact.id
        friend.save(update_fields=["shared_contact"])
    return friend


def friend_remove(*, user, friend_id: int) -> None:
    _own(user, friend_id).delete()


ASK_TEXTS = {
    "vote": "Hi {name}, it's me. There's an election coming and it's close here. Will you vote? "
    "I can tell you where and when.",
    "volunteer": "Hi {name}, I'm out canvassing this weekend with a friendly crowd. "
    "Fancy coming along for an hour?",
    "join": "Hi {name}, I've joined the party and it's been great. Would you join too? It takes two minutes.",
}


def share_links(friend: Friend) -> dict[str, str]:
    """Messages go from the volunteer's own phone: an sms: link and a WhatsApp share link
    with a suggested text for the ask or the outcome (nothing is sent by the server)."""
    template = SUGGESTED.get(friend.outcome) if friend.outcome else ASK_TEXTS.get(friend.ask, SUGGESTED[""])
    text = (template or SUGGESTED[""]).format(name=friend.nickname)
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
    by_outcome = dict(qs.values_list("outcome").annotate(n=Count("id")).order_by())
    by_ask = dict(qs.exclude(ask="").values_list("ask").annotate(n=Count("id")).order_by())
    return {
        "people": sum(by_outcome.values()),
        "volunteers": qs.values("owner_id").distinct().count(),
        "by_outcome": {Friend.Outcome(k).label: v for k, v in by_outcome.items()},
        "by_ask": {Friend.Ask(k).label: v for k, v in by_ask.items()},
        "matched": qs.filter(elector__isnull=False).count(),
        "shared": qs.filter(shared_contact__isnull=False).count(),
    }

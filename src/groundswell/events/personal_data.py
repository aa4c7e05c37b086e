"""What events hold about a person: their replies (name, email), and events they created."""

from groundswell.events.models import Event, Rsvp
from groundswell.members.personal_data import account_of, iso, null_user, register


def _replies(person):
    qs = Rsvp.objects.filter(person=person)
    if person.email_key:
        qs = qs | Rsvp.objects.filter(email_key=person.email_key)
    return qs.select_related("event")


def access(person) -> dict:
    return {
        "replies": [
            {
                "event": r.event.title,
                "starts_at": iso(r.event.starts_at),
                "name": r.name,
                "email": r.email,
                "status": r.status,
                "attended": r.attended,
            }
            for r in _replies(person).order_by("pk")
        ],
        "events_created": list(
            Event.objects.filter(created_by=account_of(person)).values_list("title", flat=True)
        )
        if account_of(person)
        else [],
    }


def erase(person) -> None:
    """Replies keep their place in the counts, without a name, an address or a link."""
    for r in _replies(person):
        r.name, r.email, r.email_key, r.person = "", "", f"erased-{r.pk}", None
        r.save(update_fields=["name", "email", "email_key", "person"])
    null_user(Event, "created_by", account_of(person))


register("events", models=["events.Rsvp", "events.Event"], access=access, erase=erase)

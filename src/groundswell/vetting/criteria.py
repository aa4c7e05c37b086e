"""The published criteria for exclusion that every installation starts with (national admins
add others in the admin). Those on political grounds need a second officer to confirm an
exclusion. Loaded by migration 0002, and again if the table is ever found empty (a database
flushed by a test, or restored without its data)."""

CRITERIA = [
    (
        "supports_another_party",
        "Member or supporter of another party",
        True,
        "A member of, candidate for, or public supporter of a party that stands against ours.",
    ),
    (
        "does_not_share_aims",
        "Does not support the aims and values",
        True,
        "Public statements incompatible with the declaration of support for our aims and values.",
    ),
    (
        "abuse",
        "Abusive or threatening conduct",
        False,
        "Abuse, threats or harassment of members, staff or the public, including online.",
    ),
    (
        "duplicate",
        "Duplicate registration",
        False,
        "The same person registered more than once: one person, one vote.",
    ),
    (
        "identity_unverified",
        "Identity or address could not be verified",
        False,
        "The name, address or email given could not be matched to a real person at that address.",
    ),
]


def ensure(model=None) -> None:
    """Creates the default criteria that are missing (never changes an existing one)."""
    if model is None:
        from groundswell.vetting.models import Criterion as model
    for code, label, political, description in CRITERIA:
        model.objects.get_or_create(
            code=code, defaults={"label": label, "political": political, "description": description}
        )

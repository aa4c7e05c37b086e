"""The voting-code email made from a per-batch template is byte for byte the email Django
renders (but for the Message-ID, which is new for each), for any name and address; names
and addresses the template cannot hold exactly are rendered by Django."""

from __future__ import annotations

import re
import smtplib
from email import message_from_bytes, policy

from hypothesis import given, settings
from hypothesis import strategies as st

from groundswell.ballots.services.code_messages import CodeMessages, code_email

ID = re.compile(rb"^Message-ID: <[^>]*>\r\n", re.M)
DATE = re.compile(rb"^Date: [^\r]*\r\n", re.M)
CODE = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ23456789", min_size=20, max_size=20)
TITLES = st.sampled_from(
    ["Leader 2016", "Deputy leader: Zoë's ballot", "NEC (CLP section) — 2 seats", "Zqxname"]
)


def _django(title, first_name, email, code) -> bytes:
    return (
        code_email(title, "https://vote.example.org", "Friday 1 July", first_name, email, code)
        .message()
        .as_bytes(linesep="\r\n")
    )


def _same(a: bytes, b: bytes) -> bool:
    strip = lambda raw: DATE.sub(b"", ID.sub(b"", raw))  # noqa: E731
    return strip(a) == strip(b)


@settings(max_examples=300, deadline=None)
@given(title=TITLES, first_name=st.text(max_size=40), email=st.emails(), code=CODE)
def test_the_template_makes_exactly_what_django_makes(title, first_name, email, code):
    made = CodeMessages(title, "https://vote.example.org", "Friday 1 July")
    sender, recipient, raw = made.render(first_name, email, code)
    assert _same(raw, _django(title, first_name, email, code))
    assert sender == "Groundswell <noreply@localhost>" or "@" in sender
    assert recipient.rsplit("@", 1)[0] == email.rsplit("@", 1)[0]
    parsed = message_from_bytes(raw, policy=policy.SMTP)
    assert code in parsed.get_content() and parsed["Message-ID"]


def test_each_message_has_its_own_message_id_and_nothing_put_in_is_read_again():
    made = CodeMessages("Leader", "https://vote.example.org", "Friday")
    # an address holding the name's placeholder, a name holding the code's
    _, _, one = made.render("Z" * 20, "zqxname@example.org", "ABCDEFGHJKLMNPQRSTUV")
    _, _, two = made.render("Ann", "ann@example.org", "ABCDEFGHJKLMNPQRSTUV")
    assert ID.search(one).group() != ID.search(two).group()
    assert b"To: zqxname@example.org\r\n" in one and b"Dear " + b"Z" * 20 + b"," in one
    assert made.template is not None


def test_a_title_that_holds_a_placeholder_falls_back_to_django():
    made = CodeMessages("ZZZZZZZZZZZZZZZZZZZZ", "https://vote.example.org", "Friday 1 July")
    assert made.template is None
    _, _, raw = made.render("Ann", "ann@example.org", "ABCDEFGHJKLMNPQRSTUV")
    assert _same(raw, _django("ZZZZZZZZZZZZZZZZZZZZ", "Ann", "ann@example.org", "ABCDEFGHJKLMNPQRSTUV"))


def test_smtplib_accepts_what_is_made():
    """The bytes go to smtplib.sendmail as Django's backend would hand them."""
    sent = []

    class Fake(smtplib.SMTP):
        def __init__(self):  # no connection
            pass

        def sendmail(self, from_addr, to_addrs, msg, *a, **k):
            sent.append((from_addr, to_addrs, msg))

    made = CodeMessages("Leader", "https://vote.example.org", "Friday")
    sender, recipient, raw = made.render("Zoë", "zoe@example.org", "ABCDEFGHJKLMNPQRSTUV")
    Fake().sendmail(sender, [recipient], raw)
    assert sent and "Zoë".encode() in sent[0][2]

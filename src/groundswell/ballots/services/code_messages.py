"""The email that carries a voting code, rendered once per batch and filled in per elector.

Django renders each message through the `email` package, whose header encoding and folding
cost about 0.3 ms of CPU a message: most of what a sender process did at half a million
codes (about 430 µs a message, against 60 µs for smtplib's exchange with the server). So a
batch renders one message through Django with placeholders and each elector's message is
that message's bytes with their name, address, code and a fresh Message-ID put in. Only
when that is exactly what Django would have made: a plain ASCII address short enough not
to be folded, and a name that is one line of printable text (the body is 8-bit UTF-8, so
any such name goes in as its UTF-8 bytes). Anything else is rendered by Django, and a test
compares the two for arbitrary names and addresses."""

from __future__ import annotations

import re
import unicodedata
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.message import sanitize_address
from django.core.mail.utils import DNS_NAME

_NAME, _NAME8 = "Zqxname", "Zqxnamë"  # the second makes Django write the body as 8bit
_ADDRESS, _CODE, _ID = "zqxaddress@zqx.invalid", "Z" * 20, "<zqxid@zqx.invalid>"
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_PLAIN_ADDRESS = re.compile(rf"{_ATOM}(\.{_ATOM})*@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
_MESSAGE_ID = re.compile(rb"^Message-ID: <[^>\r\n]*>\r\n", re.M)


def format_credential(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def code_email(title: str, base: str, closes: str, first_name: str, email: str, code: str) -> EmailMessage:
    body = (
        f"Dear {first_name or 'member'},\n\n"
        f"You can vote in: {title}\n"
        f"Voting closes on {closes}.\n\n"
        f"Your voting code: {format_credential(code)}\n"
        f"Vote here: {base}/vote/?code={code}\n\n"
        "The code works once. Your vote is sealed in your browser before it is sent, and "
        "stored without any link to you.\n"
        "After voting you get a receipt (a tracker) that you can look up on the ballot's "
        "published board.\n"
    )
    return EmailMessage(f"Your vote: {title}", body, to=[email])


def _plain_name(name: str) -> bool:
    return len(name) <= 100 and all(
        not unicodedata.category(ch).startswith(("C", "Z")) or ch == " " for ch in name
    )


def _plain_address(email: str) -> bool:
    return len(email) <= 60 and _PLAIN_ADDRESS.fullmatch(email) is not None


class CodeMessages:
    """Messages (envelope sender, recipient, bytes) for one ballot's wording. Two templates:
    Django writes a body that is all ASCII as 7bit and any other as 8bit, so a name with a
    letter beyond ASCII goes into the template made with such a letter."""

    def __init__(self, title: str, base: str, closes: str) -> None:
        self.wording = (title, base, closes)
        self.sender = ""
        self.templates = {
            ascii_name: self._template(name) for ascii_name, name in ((True, _NAME), (False, _NAME8))
        }

    def _template(self, name: str) -> tuple[bytes, re.Pattern[bytes]] | None:
        proto = code_email(*self.wording, name, _ADDRESS, _CODE)
        self.sender = sanitize_address(proto.from_email, proto.encoding or settings.DEFAULT_CHARSET)
        raw = _MESSAGE_ID.sub(f"Message-ID: {_ID}\r\n".encode(), proto.message().as_bytes(linesep="\r\n"))
        holes = [name, _ADDRESS, _CODE, format_credential(_CODE), _ID]
        pattern = re.compile(b"|".join(re.escape(h.encode()) for h in holes))
        # used only if each placeholder is in it once (a title could hold one by chance)
        if sorted(pattern.findall(raw)) != sorted(h.encode() for h in holes):
            return None
        return raw, pattern

    @property
    def template(self) -> bytes | None:
        found = self.templates[True]
        return found[0] if found else None

    def render(self, first_name: str, email: str, code: str) -> tuple[str, str, bytes]:
        """(envelope sender, envelope recipient, the message's bytes)."""
        name = first_name or "member"
        found = self.templates[name.isascii()]
        if found is not None and _plain_name(first_name) and _plain_address(email):
            raw, holes = found
            values = {
                (_NAME if name.isascii() else _NAME8).encode(): name.encode(),
                _ADDRESS.encode(): email.encode(),
                _CODE.encode(): code.encode(),
                format_credential(_CODE).encode(): format_credential(code).encode(),
                _ID.encode(): make_msgid(domain=DNS_NAME).encode(),
            }
            # one pass: what is put in is never searched again
            return self.sender, email, holes.sub(lambda m: values[m.group()], raw)
        message = code_email(*self.wording, first_name, email, code)
        encoding = message.encoding or settings.DEFAULT_CHARSET
        return self.sender, sanitize_address(email, encoding), message.message().as_bytes(linesep="\r\n")

"""A ballot's secret split among its trustees: any k of n rebuild it, fewer learn nothing.

Shamir secret sharing as SLIP-39 (`shamir-mnemonic`, the reference implementation by
SatoshiLabs): each share is 33 words from a fixed list of 1,024, with a Reed-Solomon
checksum, so a share read aloud or typed on the count night is checked word by word, and a
set of shares from different ballots, too few shares, or a share typed wrong is refused
before anything is decrypted. The server keeps only a fingerprint of each share.
"""

from __future__ import annotations

import hashlib
import os

import shamir_mnemonic

SECRET_BYTES = 32


class ShareError(ValueError):
    """Shares that cannot rebuild the secret; the message says why, in words for a trustee."""


def new_secret() -> bytes:
    return os.urandom(SECRET_BYTES)


def normalise(share: str) -> str:
    return " ".join(share.lower().replace(",", " ").split())


def fingerprint(share: str) -> str:
    return hashlib.sha256(normalise(share).encode()).hexdigest()


def split(secret: bytes, *, threshold: int, count: int) -> list[str]:
    if not 1 <= threshold <= count <= 16:
        raise ShareError("trustees: need 1 <= k <= n <= 16")
    if threshold == 1:
        # SLIP-39 refuses 1-of-n member groups: any one trustee alone holds the whole secret,
        # so each of them is given the same 1-of-1 share.
        (share,) = shamir_mnemonic.generate_mnemonics(1, [(1, 1)], secret)[0]
        return [share] * count
    groups = shamir_mnemonic.generate_mnemonics(1, [(threshold, count)], secret)
    return list(groups[0])


def combine(shares: list[str]) -> bytes:
    words = [normalise(s) for s in shares if s.strip()]
    if not words:
        raise ShareError("no share was given")
    if len(set(words)) != len(words):
        raise ShareError("the same share was given twice: each trustee gives their own")
    try:
        return shamir_mnemonic.combine_mnemonics(words)
    except shamir_mnemonic.MnemonicError as e:
        raise ShareError(_plain(str(e))) from None


def _plain(message: str) -> str:
    if "Wrong number of mnemonics" in message or "Insufficient number" in message:
        return "not enough shares: " + message
    if "checksum" in message:
        return "a share has a word wrong (its checksum fails): " + message
    if "identifier" in message or "don't match" in message:
        return "these shares do not belong together (from different ballots?): " + message
    return message

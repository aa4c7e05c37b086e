"""Sealing a ballot paper to a ballot's public key, and opening it at the count.

The construction is HPKE (RFC 9180) in base mode with the suite DHKEM(P-256, HKDF-SHA256),
HKDF-SHA256, AES-128-GCM: every browser's WebCrypto has these, and `cryptography` (Rust,
OpenSSL) seals and opens them fast enough for half a million papers. Nothing here is a
hand-written primitive: `cryptography.hazmat.primitives.hpke` seals and opens, and `pyhpke`
(the same RFC, a second implementation) re-derives a paper from its revealed ephemeral key
material, which is what lets a voter audit a sealed paper before casting ("cast or audit").

A sealed paper is `enc || ciphertext` (65 + padded length + 16 bytes); its tracker is the
SHA-256 of those bytes, so anyone holding the sealed paper can recompute the receipt. The
`info` binds a paper to its ballot: a paper sealed for one ballot does not open in another.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric import ec

SUITE_NAME = "DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-128-GCM"
ENC_LENGTH = 65  # an uncompressed P-256 point
TAG_LENGTH = 16
_SUITE = hpke.Suite(hpke.KEM.P256, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_128_GCM)


class SealError(ValueError):
    """A sealed paper that is malformed, or does not open with this key."""


def info_for(ballot_id: int) -> bytes:
    """HPKE `info` for a ballot: binds every paper to the ballot it was sealed for."""
    return f"groundswell/sealed-ballot/v1/{ballot_id}".encode()


def padded_length(n_candidates: int) -> int:
    """Every paper of a ballot has this many plaintext bytes, however many it ranks: the
    length of a sealed paper must not say how many preferences it holds."""
    return 4 * n_candidates + 2


def sealed_length(n_candidates: int) -> int:
    return ENC_LENGTH + padded_length(n_candidates) + TAG_LENGTH


def encode_ranking(ranking: Sequence[int], n_candidates: int) -> bytes:
    """A JSON list of 0-based candidate positions, first preference first, space-padded."""
    text = json.dumps([int(r) for r in ranking], separators=(",", ":")).encode()
    width = padded_length(n_candidates)
    if len(text) > width:
        raise SealError("the ranking is longer than the ballot allows")
    return text.ljust(width, b" ")


def decode_ranking(plaintext: bytes, n_candidates: int, *, max_length: int | None = None) -> list[int] | None:
    """The ranking in an opened paper, or None if it is not one this ballot can hold: a
    paper made by a modified page (out of range, repeated, empty, too long for the method)
    counts as invalid; it is never guessed at, and never used to index the candidates."""
    if len(plaintext) != padded_length(n_candidates):
        return None
    try:
        value = json.loads(plaintext.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(value, list) or not value or not all(type(v) is int for v in value):
        return None
    if len(set(value)) != len(value) or not all(0 <= v < n_candidates for v in value):
        return None
    if max_length is not None and len(value) > max_length:
        return None
    return value


def tracker(sealed: bytes) -> str:
    return hashlib.sha256(sealed).hexdigest()


@dataclass(frozen=True)
class BallotKey:
    """A ballot's key pair, derived from the secret the trustees share (RFC 9180
    DeriveKeyPair), so the secret alone rebuilds it and the public key checks it."""

    private: ec.EllipticCurvePrivateKey
    public_bytes: bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_bytes)


def fingerprint(public_bytes: bytes) -> str:
    return hashlib.sha256(public_bytes).hexdigest()


def key_from_secret(secret: bytes) -> BallotKey:
    from pyhpke import AEADId, CipherSuite, KDFId, KEMId

    suite = CipherSuite.new(KEMId.DHKEM_P256_HKDF_SHA256, KDFId.HKDF_SHA256, AEADId.AES128_GCM)
    pair = suite.kem.derive_key_pair(secret)
    public_bytes = pair.public_key.to_public_bytes()
    private = pair.private_key.raw
    assert isinstance(private, ec.EllipticCurvePrivateKey)
    return BallotKey(private=private, public_bytes=public_bytes)


def public_key(public_bytes: bytes) -> ec.EllipticCurvePublicKey:
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), bytes(public_bytes))
    except ValueError as e:
        raise SealError("not a P-256 public key") from e


def seal(public_bytes: bytes, info: bytes, ranking: Sequence[int], n_candidates: int) -> bytes:
    """Seals a ranking (used when the voter's browser runs no JavaScript)."""
    return _SUITE.encrypt(encode_ranking(ranking, n_candidates), public_key(public_bytes), info=info)


def check_shape(sealed: bytes, n_candidates: int) -> None:
    if len(sealed) != sealed_length(n_candidates):
        raise SealError(
            f"a sealed paper for this ballot is {sealed_length(n_candidates)} bytes, "
            f"this one is {len(sealed)}"
        )
    if sealed[0] != 0x04:
        raise SealError("the sealed paper does not start with an uncompressed P-256 point")


def open_paper(key: BallotKey, info: bytes, sealed: bytes) -> bytes:
    try:
        return _SUITE.decrypt(bytes(sealed), key.private, info=info)
    except Exception as e:  # InvalidTag, or a bad point
        raise SealError("the sealed paper does not open with this ballot's key") from e


def reseal(public_bytes: bytes, info: bytes, plaintext: bytes, ephemeral_ikm: bytes) -> bytes:
    """Seals `plaintext` again from the revealed ephemeral key material (RFC 9180
    DeriveKeyPair(ikm) for the sender's ephemeral key): the same inputs give the same
    sealed paper, which is how an audited paper is checked against its claimed ranking."""
    from pyhpke import AEADId, CipherSuite, KDFId, KEMId

    suite = CipherSuite.new(KEMId.DHKEM_P256_HKDF_SHA256, KDFId.HKDF_SHA256, AEADId.AES128_GCM)
    pkr = suite.kem.deserialize_public_key(bytes(public_bytes))
    eks = suite.kem.derive_key_pair(bytes(ephemeral_ikm))
    enc, ctx = suite.create_sender_context(pkr, info=info, eks=eks)
    return enc + ctx.seal(plaintext)


@dataclass(frozen=True)
class AuditResult:
    ok: bool
    ranking: tuple[int, ...]
    tracker: str
    problem: str = ""


def verify_audit(
    *, public_bytes: bytes, info: bytes, n_candidates: int, ranking: Sequence[int], ikm: bytes, sealed: bytes
) -> AuditResult:
    """Does this sealed paper hold exactly this ranking? (The voter's "audit" choice.)"""
    try:
        expected = reseal(public_bytes, info, encode_ranking(ranking, n_candidates), ikm)
    except Exception as e:
        return AuditResult(False, tuple(ranking), tracker(sealed), f"cannot re-seal: {e}")
    if expected != bytes(sealed):
        return AuditResult(
            False, tuple(ranking), tracker(sealed), "the sealed paper does NOT hold this ranking"
        )
    return AuditResult(True, tuple(ranking), tracker(sealed))

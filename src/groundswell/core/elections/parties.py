"""Party names as results files spell them, normalised to short codes.

The codes of DESIGN.md (LAB, CON, LD, UKIP, GRN, SNP, PC, OTH) are used for contact
records; results also need the parties that win seats outside them (Northern Ireland's,
the Brexit Party, the Speaker), so those keep codes of their own rather than all being OTH.
"""

from __future__ import annotations

import re

CONTACT_PARTIES = ("LAB", "CON", "LD", "UKIP", "GRN", "SNP", "PC", "OTH")
PARTY_NAMES = {
    "LAB": "Labour",
    "CON": "Conservative",
    "LD": "Liberal Democrats",
    "UKIP": "UKIP",
    "GRN": "Green",
    "SNP": "SNP",
    "PC": "Plaid Cymru",
    "BRX": "Brexit Party",
    "DUP": "DUP",
    "SF": "Sinn Féin",
    "SDLP": "SDLP",
    "UUP": "UUP",
    "APNI": "Alliance",
    "SPK": "Speaker",
    "OTH": "Other",
}
_ALIASES = {
    "labour": "LAB",
    "labourparty": "LAB",
    "labourcooperative": "LAB",
    "labourandcooperative": "LAB",
    "conservative": "CON",
    "conservativeparty": "CON",
    "conservativeandunionist": "CON",
    "conservativeandunionistparty": "CON",
    "liberaldemocrat": "LD",
    "liberaldemocrats": "LD",
    "libdem": "LD",
    "libdems": "LD",
    "ukip": "UKIP",
    "ukindependenceparty": "UKIP",
    "green": "GRN",
    "greenparty": "GRN",
    "snp": "SNP",
    "scottishnationalparty": "SNP",
    "plaidcymru": "PC",
    "brexit": "BRX",
    "brexitparty": "BRX",
    "dup": "DUP",
    "democraticunionistparty": "DUP",
    "sinnfein": "SF",
    "sinnféin": "SF",
    "sdlp": "SDLP",
    "socialdemocraticandlabourparty": "SDLP",
    "uup": "UUP",
    "ulsterunionistparty": "UUP",
    "alliance": "APNI",
    "allianceparty": "APNI",
    "speaker": "SPK",
    "other": "OTH",
    "others": "OTH",
    "independent": "OTH",
}


def party_code(name: str) -> str:
    """'Conservative Party' -> 'CON'; a code passes through; anything unknown -> 'OTH'."""
    text = name.strip()
    if text.upper() in PARTY_NAMES:
        return text.upper()
    key = re.sub(r"[^a-zé]", "", text.lower().replace("&", "and"))
    return _ALIASES.get(key, "OTH")

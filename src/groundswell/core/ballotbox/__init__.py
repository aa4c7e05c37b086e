"""The sealed ballot box: sealing papers (HPKE), the trustees' shares (Shamir, SLIP-39), the
hash-chained bulletin board and the stand-alone verifier of a published ballot. Pure: no
Django, so a scrutineer can run the verifier with nothing but this package."""

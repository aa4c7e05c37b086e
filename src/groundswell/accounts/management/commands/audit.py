"""groundswell audit verify: check the audit trail's hash chain from the first entry to the
last, and name the first entry that was changed or whose predecessor was removed."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from groundswell.accounts.models import AuditEvent
from groundswell.accounts.selectors import audit_verify


class Command(BaseCommand):
    help = "Audit trail tools. `audit verify` checks the hash chain (exit status 1 if broken)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, action: str, **options):
        checked, broken = audit_verify()
        if broken is None:
            head = AuditEvent.objects.order_by("-pk").values_list("hash", flat=True).first() or "(empty)"
            self.stdout.write(f"audit trail intact: {checked} entries, head {head}")
            return
        e = AuditEvent.objects.get(pk=broken.key)
        where = f"{e.at:%Y-%m-%d %H:%M:%S} {e.action} {e.target}"
        raise CommandError(f"audit trail broken at entry {e.pk} ({where}): {broken.reason}")

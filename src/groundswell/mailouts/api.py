"""JSON endpoints for mail-outs (organisers and national admins)."""

from __future__ import annotations

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from groundswell.accounts.api_auth import roles
from groundswell.accounts.models import Role
from groundswell.events.models import Event
from groundswell.mailouts import selectors, services
from groundswell.mailouts.models import MailOut
from groundswell.members.models import Branch
from groundswell.motions.models import Motion

router = Router(tags=["mail-outs"])
MANAGERS = roles(Role.NATIONAL_ADMIN, Role.BRANCH_ORGANISER)


class MailOutIn(Schema):
    subject: str
    body: str
    segment: str  # branch, category, event or motion
    branch: str | None = None  # ONS code
    category: str = ""
    event: int | None = None
    motion: int | None = None


class MailOutOut(Schema):
    id: int
    subject: str
    segment: str
    status: str
    total: int
    sent: int
    created_at: datetime

    @staticmethod
    def of(m: MailOut) -> MailOutOut:
        return MailOutOut(
            id=m.pk,
            subject=m.subject,
            segment=m.segment,
            status=m.status,
            total=m.total,
            sent=m.sent,
            created_at=m.created_at,
        )


@router.post("/mailouts", response={202: MailOutOut}, auth=MANAGERS)
def mailout_create(request, data: MailOutIn):
    """Queues the mail-out; poll GET /mailouts/{id} for progress."""
    try:
        m = services.mailout_create(
            user=request.auth,
            subject=data.subject,
            body=data.body,
            segment=data.segment,
            branch=get_object_or_404(Branch, ons_code=data.branch) if data.branch else None,
            category=data.category,
            event=get_object_or_404(Event, pk=data.event) if data.event else None,
            motion=get_object_or_404(Motion, pk=data.motion) if data.motion else None,
        )
    except services.MailOutError as e:
        raise HttpError(400, str(e)) from None
    return 202, MailOutOut.of(MailOut.objects.get(pk=m.pk))


@router.get("/mailouts/{mailout_id}", response=MailOutOut, auth=MANAGERS)
def mailout(request, mailout_id: int):
    return MailOutOut.of(get_object_or_404(selectors.mailouts_for(request.auth), pk=mailout_id))

"""Background work for events: the reminder the day before."""

from django_tasks import task

from groundswell.events import services


@task()
def send_event_reminder(event_id: int) -> int:
    from django.utils import timezone

    from groundswell.events.models import Event

    event = Event.objects.filter(pk=event_id).first()
    if event is None or event.cancelled_at:  # sent already: event_reminders_send skips them
        return 0
    if event.starts_at - services.REMINDER_AHEAD > timezone.now():  # moved later: wait again
        services.schedule_reminder(event)
        return 0
    return services.event_reminders_send(event_id=event_id)

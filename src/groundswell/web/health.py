"""A health check for load balancers and monitoring: is this app server able to reach its
database? 200 with {"status": "ok"} when it can, 503 when it cannot."""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from groundswell import __version__


@never_cache
def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means "take me out of the pool"
        return JsonResponse(
            {"status": "error", "database": type(exc).__name__, "version": __version__}, status=503
        )
    return JsonResponse({"status": "ok", "database": connection.vendor, "version": __version__})

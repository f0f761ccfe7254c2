"""WSGI entry point for gunicorn.

``config/gunicorn_conf.py`` preloads this module in the master process, so what is loaded
here is loaded once and inherited by every worker, including those started later to
replace one (``max_requests``). Django loads the URLconf (and with it every view
module), the holiday calendar and the email address patterns only when the first request
needs them, and the Redis client and the broker's transport on the first cache look-up
and the first task sent; ``_warm_up`` loads them now, so a new worker's first requests
do not pay for it (seconds of CPU per worker, seen with py-spy; docs/performance.md).
Nothing here opens a database or Redis connection: a connection made before the fork
would be shared by every worker.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()


def _warm_up() -> None:
    import kombu.transport.redis  # noqa: F401 - the broker's transport, imported on first send
    import redis  # noqa: F401 - the cache's client, imported on first use
    from django.core.validators import validate_email
    from django.urls import get_resolver

    from complaints import clock
    from workflow.deadlines import holidays_preload

    get_resolver().url_patterns  # noqa: B018 - imports the URLconf and the views
    year = clock.helsinki_date(clock.now()).year
    holidays_preload(range(year - 1, year + 2))
    # Compiles the address patterns, which Django compiles on first use: 6 % of a new
    # worker's first seconds of filings (py-spy).
    validate_email("warm-up@example.fi")


_warm_up()

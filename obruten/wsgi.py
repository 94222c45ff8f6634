import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "obruten.settings")
application = get_wsgi_application()


def _refuse_to_serve_insecurely() -> None:
    """Outside DEBUG, the server does not start while a deployment check fails with an
    error (a password alone signing in, say): `obruten check --deploy` says what to fix."""
    from django.conf import settings
    from django.core.checks import ERROR, run_checks
    from django.core.exceptions import ImproperlyConfigured

    if settings.DEBUG:
        return
    errors = [message for message in run_checks(include_deployment_checks=True) if message.level >= ERROR]
    if errors:
        raise ImproperlyConfigured("; ".join(f"{error.id}: {error.msg} {error.hint}" for error in errors))


_refuse_to_serve_insecurely()

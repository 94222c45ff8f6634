import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers


class ChosenLanguageMiddleware:
    """Swedish unless the user chose another language with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and office
    laptops are often set to English; the UI is Swedish first (docs/decisions.md)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class IdleSessionMiddleware:
    """Renews a signed-in session's expiry (``SESSION_COOKIE_AGE`` from now) at most once
    per ``SESSION_RENEW_SECONDS``: a session then ends between the idle limit and a minute
    before it, and a page view writes nothing."""

    KEY = "_renewed"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            now = int(time.time())
            if now - int(session.get(self.KEY, 0)) >= settings.SESSION_RENEW_SECONDS:
                session[self.KEY] = now
        return response


class PrivacyHeadersMiddleware:
    """``Permissions-Policy`` on every response, and ``Cache-Control: no-store`` on every
    response that may show personal data: everything a logged-in user sees or downloads,
    and the child's questionnaire. Static files never reach this middleware (WhiteNoise
    answers them first), so they stay cacheable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.permissions_policy = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DENY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        if request.user.is_authenticated or _is_questionnaire(request):
            add_never_cache_headers(response)
        return response


def _is_questionnaire(request: HttpRequest) -> bool:
    match = request.resolver_match
    return match is not None and match.namespace == "participation" and match.url_name == "answer"

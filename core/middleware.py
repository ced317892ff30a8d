from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from .database import database_unavailable_response, is_database_unavailable, log_unavailable
from .request_context import reset_current_request, set_current_request


class AuditContextMiddleware:
    """Makes the current request (user, IP) known to audit events written during it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_current_request(request)
        try:
            return self.get_response(request)
        finally:
            reset_current_request(token)


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the user picked another language with the switcher (its cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an office computer
    with an English browser would open the product in English. Offices work in Chinese; English
    is a choice a user makes, not something their browser makes for them.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        try:
            language = translation.get_supported_language_variant(chosen) if chosen else settings.LANGUAGE_CODE
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class DatabaseUnavailableMiddleware:
    """A view that loses the database connection answers 503 with Retry-After (core.database).

    Failures raised by other middleware reach ``core.views.server_error`` (handler500), which
    makes the same decision.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        log_unavailable(request, exception)
        return database_unavailable_response()

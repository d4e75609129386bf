"""The reader's language: the one a person logs in with is the one they work in."""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from core.services import user_set_language


@receiver(user_logged_in)
def keep_login_page_language(sender, request, user, **kwargs):
    """The language the login page was shown in (its cookie, set by the page's switch) wins and is saved
    on the account: whoever logs in from the English page works in English, on any device after."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) if request is not None else None
    if chosen in dict(settings.LANGUAGES):
        user_set_language(user=user, language=chosen)

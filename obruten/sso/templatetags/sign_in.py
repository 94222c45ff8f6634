from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def provider_sign_in() -> bool:
    """The organisation's provider is configured: offer it first."""
    return bool(settings.OIDC_ENABLED)


@register.simple_tag
def passwords_for_everyone() -> bool:
    return bool(settings.DEMO_MODE or not settings.OIDC_ENABLED)

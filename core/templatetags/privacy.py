from django import template

from core.privacy import personal

register = template.Library()


@register.filter
def phone_for(value, user):
    """{{ phone.as_national|phone_for:user }}: masked for roles that do not need it."""
    return personal(value, user)


@register.filter
def address_for(value, user):
    return personal(value, user, kind="address")

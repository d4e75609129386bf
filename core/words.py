"""Words a service writes for people to read later (a timeline row, why a case was escalated): kept as
an English msgid marked with gettext_noop and its parameters, and read in each reader's language. A
finished sentence stored in the language of whoever caused it would be Chinese to an English reader."""

from django.conf import settings
from django.utils import translation


def said(msgid: str, **params) -> dict:
    """`msgid`, marked with gettext_noop where it is written, and its parameters as plain strings."""
    return {"id": msgid, "params": {name: str(value) for name, value in params.items()}}


def read(words: dict) -> str:
    """The words in the active language."""
    return translation.gettext(words["id"]) % words.get("params", {})


def as_the_network_reads(words: dict) -> str:
    """The words in the network's own language (settings.LANGUAGE_CODE): what exports and searches see."""
    with translation.override(settings.LANGUAGE_CODE):
        return read(words)

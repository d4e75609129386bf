"""Words a service writes for people to read later (a timeline row, why a case was escalated): kept as
an English msgid marked with gettext_noop and its parameters, and read in each reader's language. A
finished sentence stored in the language of whoever caused it would be Chinese to an English reader.

A parameter may itself be words (a status's name, a cause, options joined by " / "), read in the same
language as the sentence around it."""

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise


def said(msgid: str, **params) -> dict:
    """`msgid`, marked with gettext_noop where it is written, and its parameters: words and translatable
    labels kept as words, anything else as plain text."""
    return {"id": msgid, "params": {name: _kept(value) for name, value in params.items()}}


def label_words(label) -> dict:
    """A translatable label as words: a lazy translation, or a function giving it in the active language."""
    with translation.override(None):  # no language active: gettext gives the msgid itself
        return {"id": str(label() if callable(label) else label)}


def joined(parts, separator: str) -> dict:
    """Several words read as one: options "Exchange / Free repair", a decision's rules one per line."""
    return {"join": separator, "parts": [_kept(part) for part in parts]}


def _kept(value):
    if isinstance(value, dict):
        return value
    if isinstance(value, Promise):
        return label_words(value)
    return str(value)


def read(words: dict) -> str:
    """The words in the active language."""
    if "join" in words:
        return words["join"].join(read(part) if isinstance(part, dict) else part for part in words["parts"])
    if "params" not in words:
        return translation.gettext(words["id"])
    params = {name: read(value) if isinstance(value, dict) else value for name, value in words["params"].items()}
    return translation.gettext(words["id"]) % params


def as_the_network_reads(words: dict) -> str:
    """The words in the network's own language (settings.LANGUAGE_CODE): what exports and searches see."""
    with translation.override(settings.LANGUAGE_CODE):
        return read(words)

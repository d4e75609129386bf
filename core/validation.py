"""Model validation for services that write many rows per request."""

from django.db import models


def validate_values(instance: models.Model, *, exclude: tuple[str, ...] = ()) -> None:
    """`full_clean()` without its queries: each field's own rules (choices, lengths, required) and
    the model's `clean()`.

    Left to the database: relations (a service sets them from rows it has loaded, and foreign keys
    refuse any other), unique fields and constraints. full_clean() asks the database about each of
    these in a query of its own, a dozen queries for one work order.
    """
    relations = [f.name for f in instance._meta.concrete_fields if f.is_relation]
    instance.full_clean(exclude=[*relations, *exclude], validate_unique=False, validate_constraints=False)

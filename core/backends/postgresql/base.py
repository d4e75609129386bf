"""Django's PostgreSQL backend, keeping each statement under the parameters PostgreSQL binds.

With parameters bound by the server (DATABASE_PREPARED_STATEMENTS, config/settings.py) a statement
carries at most 65,535 of them, which the client used to merge into the text without a limit. Django
splits bulk updates and the deletes of a cascade by the backend's batch size, which it leaves
unbounded for PostgreSQL: 22,000 rows updated by bulk_update, or a fee schedule's 70,000 part
prices deleted with it, would fail. (Bulk inserts bind one array a column: no limit to reach.)
"""

from django.db.backends.postgresql import base, operations

BOUND_PARAMETERS_LIMIT = 65_535  # the protocol's 16-bit count


class DatabaseOperations(operations.DatabaseOperations):
    def bulk_batch_size(self, fields, objs):
        if not self.connection.features.uses_server_side_binding:
            return super().bulk_batch_size(fields, objs)
        return max(1, BOUND_PARAMETERS_LIMIT // max(1, len(fields)))


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

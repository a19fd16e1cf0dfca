"""``__in`` on integer columns that ignores values the column cannot hold.

Django already answers "no row" to ``pk=99999999999999999999`` (its integer ``exact`` lookup
knows the column's range, Django 5.0+), but ``pk__in=[99999999999999999999]`` — what every
multi-select, filter and import sends on — reaches the database and fails (SQLite:
``OverflowError``; PostgreSQL: "bigint out of range"), a 500 for any visitor who types 20
digits. This lookup drops such values before the query: an id no row can have matches no
row. Registered on ``IntegerField`` (auto, big, small and positive fields inherit it) in
``CoreConfig.ready()``.
"""

from django.db.models import IntegerField
from django.db.models.lookups import In


class BoundedIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            field = self.lhs.output_field
            try:
                low, high = connection.ops.integer_field_range(field.get_internal_type())
            except KeyError:
                low = high = None
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(BoundedIn)

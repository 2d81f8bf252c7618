"""Queries built and compiled once, then run with new values: the hot paths' statements.

Building a queryset and compiling it to SQL costs Django more than the database spends on a
keyed look-up: on the markbook's keystroke it was 40% of the request's CPU, for statements
whose text never changes. A `Prepared` query is built once for each *shape* with stand-in
values for its parameters; its SQL and its columns are kept, and every call runs that SQL
with its own values and builds the same model instances the queryset would.

The rules that keep it honest:

- `build(shape, **values)` makes the queryset from the shape and the values and depends on
  nothing else. The *shape* is a hashable the caller passes with everything that changes the
  statement's text or its constants (which rules apply, a short list of ids); each shape is
  compiled once. The values are what changes from call to call.
- A value is an `int`, a `str`, a `datetime.date` or an aware `datetime.datetime`. The
  statement is compiled twice with different stand-ins for them: a statement whose text
  changes with them, or a parameter that changes with them but is not one of them as the
  backend takes it (the value itself, or the backend's text for a date or a time), is
  refused (`PreparedError`); so no value can be frozen into a statement by mistake, and no
  value is ever transformed (a `contains` pattern, say) on its way to the database.
- Each database vendor has its own statements; a call runs on the database the router
  chooses for the model, as the queryset would.

Tests compare every prepared query with its queryset, row for row.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesIterable,
    ValuesListIterable,
    get_related_populators,
)

Value = int | str | dt.date  # a datetime is a date

SHAPES_KEPT = 256  # per prepared query: a shape per combination of rules, not per person

# Inside every integer column's range, the smallest included: Django answers a look-up with
# a value outside its column's range with no rows and no statement, so a stand-in out of
# range would prepare "nothing" for every value. (Two compilations tell stand-ins from any
# constant of the same value.)
_INT_STAND_INS = (12_001, 23_001)
_DATE_STAND_INS = (dt.date(1901, 1, 1), dt.date(1902, 3, 1))
_TIME_STAND_INS = (
    dt.datetime(1901, 1, 1, 1, 1, 1, 1, tzinfo=dt.UTC),
    dt.datetime(1902, 3, 1, 2, 2, 2, 2, tzinfo=dt.UTC),
)

# How a value reaches the statement's parameters: as itself, or as the backend's text for
# a date or a time (SQLite keeps them as text).
_ADAPTERS: dict[str, Callable[[Any, Any], Any]] = {
    "value": lambda value, ops: value,
    "date": lambda value, ops: ops.adapt_datefield_value(value),
    "datetime": lambda value, ops: ops.adapt_datetimefield_value(value),
}


class PreparedError(RuntimeError):
    """A query that cannot be prepared as declared."""


@dataclass(frozen=True)
class _Slot:
    """Where a parameter comes from: a named value, adapted as the backend took it, or a
    constant of the statement."""

    name: str | None
    constant: Any = None
    adapter: str = "value"
    integer: type | None = None

    def value(self, values: Mapping[str, Value], ops: Any) -> Any:
        if self.name is None:
            return self.constant
        value = _ADAPTERS[self.adapter](values[self.name], ops)
        return value if self.integer is None else self.integer(value)


@dataclass(frozen=True)
class _Statement:
    sql: str | None  # None: Django answers without a statement; the queryset is run
    slots: tuple[_Slot, ...]
    compiler: Any  # the compiler that made the SQL: its columns, converters and models
    kind: type  # the queryset's iterable: model instances, dicts, tuples or flat values
    # The compiler's converters for the selected columns (as its `results_iter` finds them
    # on every call), found once.
    converters: dict[int, Any] = field(default_factory=dict)

    def rows(self, rows: list[tuple[Any, ...]]) -> Iterable[Sequence[Any]]:
        """The rows as Django's `results_iter` gives them: without the columns selected only
        to order by, each value converted to the field's Python value."""
        compiler = self.compiler
        if compiler.has_extra_select:
            rows = [row[: compiler.col_count] for row in rows]
        return compiler.apply_converters(rows, self.converters) if self.converters else rows


class Prepared:
    """A queryset's statement, compiled once per shape and run with each call's values."""

    def __init__(self, build: Callable[..., QuerySet[Any, Any]], *, values: Sequence[str]) -> None:
        self.build = build
        self.names = tuple(values)
        self._statements: OrderedDict[tuple[Hashable, str, tuple[str, ...]], _Statement] = (
            OrderedDict()
        )
        self._lock = threading.Lock()
        self._model: type[Model] | None = None

    def __call__(self, shape: Hashable = (), /, **values: Value) -> list[Any]:
        """The rows, as the queryset `build(**values)` would give them."""
        if set(values) != set(self.names):
            raise PreparedError(f"expected values {sorted(self.names)}, got {sorted(values)}")
        for name, value in values.items():
            if not isinstance(value, int | str | dt.date) or isinstance(value, bool):
                raise PreparedError(f"{name} must be an int, a text, a date or a time: {value!r}")
            if isinstance(value, dt.datetime) and value.tzinfo is None:
                raise PreparedError(f"{name} must be an aware time, not {value!r}")
        if self._model is None:
            self._model = self.build(shape, **values).model
        alias = router.db_for_read(self._model)
        statement = self._statement(shape, alias, values)
        if statement.sql is None:  # a queryset with no statement: Django's own answer
            return list(self.build(shape, **values).using(alias))
        connection = connections[alias]
        params = [slot.value(values, connection.ops) for slot in statement.slots]
        with connection.cursor() as cursor:
            cursor.execute(statement.sql, params)
            rows = cursor.fetchall()
        return _KINDS[statement.kind](statement, alias, rows)

    def first(self, shape: Hashable = (), /, **values: Value) -> Any:
        rows = self(shape, **values)
        return rows[0] if rows else None

    def queryset(self, shape: Hashable = (), /, **values: Value) -> QuerySet[Any, Any]:
        """The queryset itself (for tests that compare, and for anything unusual)."""
        return self.build(shape, **values)

    # -- compiling ---------------------------------------------------------------------

    def _statement(self, shape: Hashable, alias: str, values: Mapping[str, Value]) -> _Statement:
        # A statement is compiled for the kinds of its values (an int, a text, a date or a
        # time), so a call with another kind never runs a statement adapted for the first.
        kinds = tuple(_kind_of(values[name]) for name in self.names)
        key = (shape, connections[alias].vendor, kinds)
        with self._lock:
            statement = self._statements.get(key)
            if statement is not None:
                self._statements.move_to_end(key)
                return statement
        statement = self._compile(shape, alias, values)
        with self._lock:
            self._statements[key] = statement
            while len(self._statements) > SHAPES_KEPT:
                self._statements.popitem(last=False)
        return statement

    def _compile(self, shape: Hashable, alias: str, values: Mapping[str, Value]) -> _Statement:
        stand_ins = [_stand_ins(self.names, values, which) for which in (0, 1)]
        compiled = []
        for each in stand_ins:
            queryset = self.build(shape, **each).using(alias)
            kind = queryset._iterable_class
            if kind not in _KINDS:
                raise PreparedError(f"{kind.__name__} querysets cannot be prepared")
            compiler = queryset.query.get_compiler(using=alias)
            try:
                sql, params = compiler.as_sql()
            except EmptyResultSet:
                sql, params = None, ()
            compiled.append((compiler, sql, list(params)))
        if compiled[0][1] is None or compiled[1][1] is None:
            # Django decided without the database (an empty `in`, a value out of a column's
            # range): the queryset itself answers each call.
            return _Statement(None, (), compiled[0][0], kind)
        (compiler, sql, params), (_, other_sql, other_params) = compiled
        if sql != other_sql or len(params) != len(other_params):
            raise PreparedError(f"the statement changes with its values: {sql}")
        ops = connections[alias].ops
        slots = tuple(
            _slot(first, second, stand_ins, ops)
            for first, second in zip(params, other_params, strict=True)
        )
        columns = [column[0] for column in compiler.select[: compiler.col_count]]
        return _Statement(sql, slots, compiler, kind, compiler.get_converters(columns))


def _kind_of(value: Value) -> str:
    if isinstance(value, dt.datetime):
        return "time"
    return "date" if isinstance(value, dt.date) else type(value).__name__


def _stand_ins(names: Sequence[str], values: Mapping[str, Value], which: int) -> dict[str, Value]:
    stand_ins: dict[str, Value] = {}
    for position, name in enumerate(names):
        value = values[name]
        if isinstance(value, dt.datetime):
            if value.tzinfo is None:
                raise PreparedError(f"{name} must be an aware time, not {value!r}")
            stand_ins[name] = _TIME_STAND_INS[which] + dt.timedelta(seconds=position)
        elif isinstance(value, dt.date):
            stand_ins[name] = _DATE_STAND_INS[which] + dt.timedelta(days=position)
        elif isinstance(value, int) and not isinstance(value, bool):
            stand_ins[name] = _INT_STAND_INS[which] + position
        elif isinstance(value, str):
            stand_ins[name] = f"prepared-stand-in-{which}-{position}"
        else:
            raise PreparedError(f"{name} must be an int, a text, a date or a time: {value!r}")
    return stand_ins


def _slot(first: Any, second: Any, stand_ins: list[dict[str, Value]], ops: Any) -> _Slot:
    """A parameter as a named value when it is a stand-in (as the backend took it) in both
    compilations, else a constant (the same in both, or the statement is refused)."""
    for name, value in stand_ins[0].items():
        other = stand_ins[1][name]
        kinds = ["value"]
        if isinstance(value, dt.datetime):
            kinds.append("datetime")
        elif isinstance(value, dt.date):
            kinds.append("date")
        for kind in kinds:
            adapt = _ADAPTERS[kind]
            if (first, second) == (adapt(value, ops), adapt(other, ops)):
                # An integer the backend typed (psycopg's Int2 for a small integer column)
                # is typed so again.
                typed = type(first) if isinstance(first, int) and type(first) is not int else None
                return _Slot(name, adapter=kind, integer=typed)
    if first != second:
        raise PreparedError(f"a parameter changes with the values but is none of them: {first}")
    return _Slot(None, constant=first)


def _dicts(statement: _Statement, alias: str, rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """As Django's ValuesIterable: a dict a row."""
    query = statement.compiler.query
    names = (
        list(query.selected)
        if query.selected
        else [*query.extra_select, *query.values_select, *query.annotation_select]
    )
    return [dict(zip(names, row, strict=False)) for row in statement.rows(rows)]


def _tuples(
    statement: _Statement, alias: str, rows: list[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    """As Django's ValuesListIterable: a tuple a row."""
    if not statement.converters and not statement.compiler.has_extra_select:
        return rows  # the database's own tuples
    return [tuple(row) for row in statement.rows(rows)]


def _flat(statement: _Statement, alias: str, rows: list[tuple[Any, ...]]) -> list[Any]:
    """As Django's FlatValuesListIterable: the one column's values."""
    return [row[0] for row in statement.rows(rows)]


def _instances(statement: _Statement, alias: str, rows: list[tuple[Any, ...]]) -> list[Any]:
    """Model instances from the rows, as Django's ModelIterable builds them (the model, its
    select_related relations and its annotations)."""
    compiler = statement.compiler
    select, klass_info = compiler.select, compiler.klass_info
    annotations = compiler.annotation_col_map
    model = klass_info["model"]
    fields = klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    attnames = [column[0].target.attname for column in select[start:end]]
    populators = get_related_populators(klass_info, select, alias)  # type: ignore[call-arg]
    built = []
    for row in statement.rows(rows):
        instance = model.from_db(alias, attnames, row[start:end])
        for populator in populators:
            populator.populate(row, instance)
        for name, position in (annotations or {}).items():
            setattr(instance, name, row[position])
        built.append(instance)
    return built


_KINDS: dict[type, Callable[[_Statement, str, list[tuple[Any, ...]]], list[Any]]] = {
    ModelIterable: _instances,
    ValuesIterable: _dicts,
    ValuesListIterable: _tuples,
    FlatValuesListIterable: _flat,
}

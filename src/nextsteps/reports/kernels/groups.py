"""Groups of pupils, one mechanism for every figure on every dashboard. A pure kernel (no Django).

A pupil's characteristics (disadvantaged, SEN, EAL, gender, prior attainment band, persistent
absence) are read through `Traits`. A `PupilGroup` is one value of one characteristic ("SEN
support or EHCP", "Low prior attainment"); a `GroupFilter` is a combination of them, every one
of which a pupil must match ("Disadvantaged and SEN support or EHCP"). A dashboard applies one
filter to its pupils before it counts anything, so every figure it shows is the filtered one.

Small groups are flagged, never hidden: the threshold is the rule the progress measures use
(`progress.measures.SMALL_GROUP`, after the DfE's: figures for fewer than six pupils are
suppressed in published tables; nextsteps shows them with a warning instead).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from nextsteps.i18n import translate as _
from nextsteps.progress.kernels.measures import SMALL_GROUP

PRIOR_BANDS = ("low", "middle", "high", "unknown")


class Traits(Protocol):
    """What the filters read from a pupil (a dashboard's pupil line has these attributes)."""

    disadvantaged: bool
    sen: bool
    eal: bool
    gender: str  # "F", "M", or another code (not in the girls/boys comparison)
    prior: str  # one of PRIOR_BANDS
    persistent_absence: bool | None  # None: no attendance recorded this year


Line = TypeVar("Line", bound=Traits)


# The characteristics, in the order filters and tables list them.
CHARACTERISTICS = ("disadvantaged", "sen", "eal", "female", "prior", "persistent_absence")


def characteristic_label(key: str) -> str:
    """A characteristic's name, translated when the page is."""
    names = {
        "disadvantaged": _("Disadvantaged (pupil premium)"),
        "sen": _("Special educational needs"),
        "eal": _("English as an additional language"),
        "female": _("Gender"),
        "prior": _("Prior attainment"),
        "persistent_absence": _("Persistent absence (attendance this year)"),
    }
    return names[key]


def trait(line: Traits, key: str) -> bool | str | None:
    """The pupil's value of a characteristic (None: outside its comparison, e.g. gender not
    recorded, or no attendance this year)."""
    if key == "disadvantaged":
        return line.disadvantaged
    if key == "sen":
        return line.sen
    if key == "eal":
        return line.eal
    if key == "female":
        return {"F": True, "M": False}.get(line.gender)
    if key == "prior":
        return line.prior
    if key == "persistent_absence":
        return line.persistent_absence
    raise KeyError(key)


@dataclass(frozen=True)
class PupilGroup:
    """One value of one characteristic: the pupils it admits, and how a filter names it."""

    slug: str
    key: str
    value: bool | str
    label: str

    @property
    def inside(self) -> bool:
        """True for the side of a yes/no characteristic that has it."""
        return self.value is True

    def admits(self, line: Traits) -> bool:
        return trait(line, self.key) == self.value


def _groups(names_by_key: dict[str, tuple[str, ...]]) -> tuple[PupilGroup, ...]:
    found = []
    for key in CHARACTERISTICS:
        names = names_by_key[key]
        if key == "prior":
            found += [
                PupilGroup(f"prior-{band}", key, band, name)
                for band, name in zip(PRIOR_BANDS, names, strict=True)
            ]
        else:
            found += [
                PupilGroup(key, key, True, names[0]),
                PupilGroup(f"not-{key}", key, False, names[1]),
            ]
    return tuple(found)


def labels() -> dict[str, tuple[str, ...]]:
    """How each group is named, translated when the page is (call it per request)."""
    return {
        "disadvantaged": (_("Disadvantaged"), _("Not disadvantaged")),
        "sen": (_("SEN support or EHCP"), _("No SEN")),
        "eal": (_("EAL"), _("Not EAL")),
        "female": (_("Girls"), _("Boys")),
        "prior": (
            _("Low prior attainment"),
            _("Middle prior attainment"),
            _("High prior attainment"),
            _("Prior attainment not known"),
        ),
        "persistent_absence": (_("Persistently absent"), _("Not persistently absent")),
    }


def groups_named() -> tuple[PupilGroup, ...]:
    """Every group a filter can choose, characteristic by characteristic."""
    return _groups(labels())


class GroupError(ValueError):
    """A filter that names no group, or two values of one characteristic."""


@dataclass(frozen=True)
class GroupFilter:
    """A combination of groups: a pupil is admitted when every group admits them. Empty: all."""

    groups: tuple[PupilGroup, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.groups)

    def admits(self, line: Traits) -> bool:
        return all(group.admits(line) for group in self.groups)

    def apply(self, lines: Iterable[Line]) -> list[Line]:
        return [line for line in lines if self.admits(line)]

    def chosen(self, key: str) -> PupilGroup | None:
        return next((g for g in self.groups if g.key == key), None)

    @property
    def slugs(self) -> list[str]:
        return [group.slug for group in self.groups]

    def label(self) -> str:
        """The combination in words: "Disadvantaged and SEN support or EHCP"."""
        return str(_(" and ")).join(group.label for group in self.groups)


def group_filter(slugs: Sequence[str], choices: Sequence[PupilGroup] | None = None) -> GroupFilter:
    """The filter named by a page's `group` parameters (blank ones ignored), in the order of
    the characteristics. Raises GroupError for an unknown group, or for two values of one
    characteristic (no pupil is both)."""
    by_slug = {group.slug: group for group in (choices or groups_named())}
    chosen: dict[str, PupilGroup] = {}
    for slug in slugs:
        if not slug:
            continue
        group = by_slug.get(slug)
        if group is None:
            raise GroupError(_("There is no group of pupils called “%(slug)s”.") % {"slug": slug})
        other = chosen.get(group.key)
        if other is not None and other != group:
            raise GroupError(
                _("Choose one of “%(one)s” and “%(other)s”: no pupil is in both.")
                % {"one": other.label, "other": group.label}
            )
        chosen[group.key] = group
    return GroupFilter(tuple(sorted(chosen.values(), key=lambda g: CHARACTERISTICS.index(g.key))))


def is_small(pupils: int) -> bool:
    """A figure from so few pupils (but some) that one pupil moves it a long way: flagged."""
    return 0 < pupils < SMALL_GROUP

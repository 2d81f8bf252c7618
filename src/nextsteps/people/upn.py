"""Unique pupil numbers: the DfE check letter, via python-stdnum, with reasons people can act on."""

from __future__ import annotations

from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)
from stdnum.gb import upn as stdnum_upn


class UpnError(ValueError):
    """Why a UPN is not valid, in words a data manager can act on."""


def upn_clean(value: str) -> str:
    """The UPN in its stored form (upper case, no spaces), or UpnError with the reason.

    Permanent UPNs end in a digit; temporary UPNs end in a letter. Both carry the check letter.
    """
    try:
        return str(stdnum_upn.validate(value))
    except InvalidLength as error:
        raise UpnError(f"{value!r} is not 13 characters long") from error
    except InvalidFormat as error:
        raise UpnError(
            f"{value!r} must be a letter, eleven digits, then a digit or a letter"
        ) from error
    except InvalidComponent as error:
        raise UpnError(f"{value!r} does not start with a known local authority number") from error
    except InvalidChecksum as error:
        raise UpnError(f"{value!r} has the wrong check letter") from error
    except ValidationError as error:  # pragma: no cover - stdnum's other failures
        raise UpnError(f"{value!r} is not a valid UPN") from error


def upn_make(*, la: int, estab: int, year: int, serial: int) -> str:
    """A permanent UPN for a school's number, the issue year (2 digits) and a serial."""
    body = f"{la:03d}{estab:04d}{year % 100:02d}{serial:03d}"
    return stdnum_upn.calc_check_digit(body) + body


def is_temporary(upn: str) -> bool:
    return upn[-1:].isalpha()

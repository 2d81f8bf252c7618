"""Unique pupil numbers: the DfE check letter, via python-stdnum, with reasons people can act on."""

from __future__ import annotations

from django.utils.translation import gettext as _
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
        raise UpnError(_("%(value)s is not 13 characters long") % {"value": repr(value)}) from error
    except InvalidFormat as error:
        raise UpnError(
            _("%(value)s must be a letter, eleven digits, then a digit or a letter")
            % {"value": repr(value)}
        ) from error
    except InvalidComponent as error:
        raise UpnError(
            _("%(value)s does not start with a known local authority number")
            % {"value": repr(value)}
        ) from error
    except InvalidChecksum as error:
        raise UpnError(
            _("%(value)s has the wrong check letter") % {"value": repr(value)}
        ) from error
    except ValidationError as error:  # pragma: no cover - stdnum's other failures
        raise UpnError(_("%(value)s is not a valid UPN") % {"value": repr(value)}) from error


def upn_make(*, la: int, estab: int, year: int, serial: int) -> str:
    """A permanent UPN for a school's number, the issue year (2 digits) and a serial."""
    body = f"{la:03d}{estab:04d}{year % 100:02d}{serial:03d}"
    return stdnum_upn.calc_check_digit(body) + body


def is_temporary(upn: str) -> bool:
    return upn[-1:].isalpha()

"""Field validators with Vietnamese messages (python-stdnum does the arithmetic)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import ean
from stdnum.exceptions import InvalidChecksum, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.vn import mst


def validate_tax_code(value: str) -> None:
    try:
        mst.validate(value)
    except InvalidChecksum as exc:
        raise ValidationError(
            _("Tax code %(value)s has a wrong check digit: check the number on the registration."),
            code="tax_code_checksum",
            params={"value": value},
        ) from exc
    except StdnumError as exc:
        raise ValidationError(
            _("Tax code %(value)s is not valid: it has 10 digits, or 13 with a branch suffix."),
            code="tax_code_format",
            params={"value": value},
        ) from exc


def validate_gtin13(value: str) -> None:
    if len(value) != 13 or not value.isdigit():
        raise ValidationError(
            _("A GTIN-13 barcode has exactly 13 digits (found “%(value)s”)."),
            code="gtin_format",
            params={"value": value},
        )
    try:
        ean.validate(value)
    except (InvalidChecksum, InvalidLength) as exc:
        raise ValidationError(
            _("Barcode %(value)s has a wrong check digit (the last digit)."),
            code="gtin_checksum",
            params={"value": value},
        ) from exc
    except StdnumError as exc:
        raise ValidationError(
            _("Barcode %(value)s is not a valid GTIN-13."),
            code="gtin_format",
            params={"value": value},
        ) from exc

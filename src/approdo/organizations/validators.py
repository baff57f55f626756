from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.it import codicefiscale, iva


def validate_tax_code(value: str) -> None:
    """A codice fiscale (16 characters, or 11 digits for bodies) or a partita IVA."""
    code = (value or "").strip().upper()
    if iva.is_valid(code) or codicefiscale.is_valid(code):
        return
    raise ValidationError(
        _("%(value)s is not a valid codice fiscale or partita IVA."),
        code="invalid_tax_code",
        params={"value": value},
    )

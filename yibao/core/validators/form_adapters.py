"""Use any validator of this package as a Django form or model field validator.

The validators raise `ApplicationError`; Django fields expect `ValidationError`. The adapter
turns one into the other, keeping the Chinese message and using the error-code value as the
`ValidationError.code`. It is deconstructible, so model fields can use it in migrations as long
as the wrapped function is a module-level function and the keyword arguments are serialisable.

Note: a field validator only accepts or refuses; it does not replace the value. Forms that want
the normalised value (e.g. the upper-cased USCC) call the validate_* function in `clean_<field>`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

from yibao.core.errors import ApplicationError


@deconstructible(path="yibao.core.validators.form_adapters.DjangoValidatorAdapter")
class DjangoValidatorAdapter:
    """Call `function(value, **options)`; re-raise its ApplicationError as a ValidationError."""

    if TYPE_CHECKING:  # added by @deconstructible; declared for type checkers

        def deconstruct(self) -> tuple[str, tuple[Any, ...], dict[str, Any]]: ...

    def __init__(self, function: Callable[..., object], **options: Any) -> None:
        self.function = function
        self.options = options

    def __call__(self, value: Any) -> None:
        try:
            self.function(value, **self.options)
        except ApplicationError as exc:
            raise ValidationError(exc.message, code=str(exc.code)) from exc

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, DjangoValidatorAdapter)
            and self.function is other.function
            and self.options == other.options
        )

    def __hash__(self) -> int:
        return hash((self.function, tuple(sorted(self.options))))

    def __repr__(self) -> str:
        name = getattr(self.function, "__qualname__", repr(self.function))
        return f"DjangoValidatorAdapter({name}, {self.options!r})"


def as_django_validator(function: Callable[..., object], **options: Any) -> DjangoValidatorAdapter:
    """A Django field validator that runs `function(value, **options)`."""
    return DjangoValidatorAdapter(function, **options)

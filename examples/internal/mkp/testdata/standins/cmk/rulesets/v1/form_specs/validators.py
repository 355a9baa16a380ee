"""Stand-in for cmk.rulesets.v1.form_specs.validators."""

import enum
import re
from urllib.parse import urlparse

from .._localize import Message


class ValidationError(ValueError):
    def __init__(self, message):
        if not isinstance(message, Message):
            raise TypeError("ValidationError takes a Message")
        super().__init__(message)
        self._message = message

    @property
    def message(self):
        return self._message


class LengthInRange:
    def __init__(self, min_value=None, max_value=None, error_msg=None):
        if min_value is None and max_value is None:
            raise ValidationError(Message("Either the minimum or maximum must be configured."))
        self.range = (min_value, max_value)
        self.error_msg = error_msg or Message("Length out of range.")

    def __call__(self, value):
        if self.range[0] is not None and len(value) < self.range[0]:
            raise ValidationError(self.error_msg)
        if self.range[1] is not None and self.range[1] < len(value):
            raise ValidationError(self.error_msg)


class NumberInRange:
    def __init__(self, min_value=None, max_value=None, error_msg=None):
        if min_value is None and max_value is None:
            raise ValidationError(Message("Either the minimum or maximum must be configured."))
        self.range = (min_value, max_value)
        self.error_msg = error_msg or Message("Value out of range.")

    def __call__(self, value):
        if self.range[0] is not None and value < self.range[0]:
            raise ValidationError(self.error_msg)
        if self.range[1] is not None and self.range[1] < value:
            raise ValidationError(self.error_msg)


class MatchRegex:
    def __init__(self, regex, error_msg=None):
        self.regex = re.compile(regex) if isinstance(regex, str) else regex
        if error_msg is not None and not isinstance(error_msg, Message):
            raise TypeError("error_msg must be a Message")
        self.error_msg = error_msg or Message("Does not match.")

    def __call__(self, value):
        if not self.regex.match(value):
            raise ValidationError(self.error_msg)


class UrlProtocol(enum.Enum):
    HTTP = "http"
    HTTPS = "https"


class Url:
    def __init__(self, protocols, error_msg=None):
        self.protocols = protocols
        self.error_msg = error_msg or Message("Not a valid URL.")

    def __call__(self, value):
        parts = urlparse(value)
        if not parts.scheme or not parts.netloc or parts.scheme not in [p.value for p in self.protocols]:
            raise ValidationError(self.error_msg)

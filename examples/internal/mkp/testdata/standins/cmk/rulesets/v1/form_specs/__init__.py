"""Stand-in for cmk.rulesets.v1.form_specs (the classes notification forms use).

Frozen keyword-only dataclasses with the fields of the released Ruleset API v1, so an
unknown keyword argument raises TypeError as it does in Checkmk.
"""

import ast
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum, auto
from keyword import iskeyword
from typing import Any, Generic, TypeVar

from .._localize import Help, Label, Message, Title
from . import validators

ModelT = TypeVar("ModelT")


def _check_name(name):
    if not isinstance(name, str) or not name.isidentifier() or iskeyword(name):
        raise ValueError("%r is not a valid, non-reserved Python identifier" % (name,))


def _check_type(owner, name, value, types):
    if value is not None and not isinstance(value, types):
        raise TypeError("%s.%s has the wrong type %s" % (owner, name, type(value).__name__))


@dataclass(frozen=True)
class DefaultValue(Generic[ModelT]):
    value: Any


@dataclass(frozen=True)
class InputHint(Generic[ModelT]):
    value: Any


@dataclass(frozen=True, kw_only=True)
class FormSpec(Generic[ModelT]):
    title: "Title | None" = None
    help_text: "Help | None" = None
    migrate: "Callable[[object], Any] | None" = None
    custom_validate: "Sequence[Callable[[Any], object]] | None" = None

    def __post_init__(self):
        name = type(self).__name__
        _check_type(name, "title", self.title, Title)
        _check_type(name, "help_text", self.help_text, Help)
        if self.migrate is not None and not callable(self.migrate):
            raise TypeError("%s.migrate must be callable" % name)
        if self.custom_validate is not None:
            if isinstance(self.custom_validate, (str, bytes)) or not all(callable(v) for v in self.custom_validate):
                raise TypeError("%s.custom_validate must be a sequence of callables" % name)


class FieldSize(Enum):
    SMALL = auto()
    MEDIUM = auto()
    LARGE = auto()


class TimeMagnitude(Enum):
    MILLISECOND = auto()
    SECOND = auto()
    MINUTE = auto()
    HOUR = auto()
    DAY = auto()


@dataclass(frozen=True, kw_only=True)
class BooleanChoice(FormSpec[bool]):
    label: "Label | None" = None
    prefill: DefaultValue = DefaultValue(False)

    def __post_init__(self):
        super().__post_init__()
        _check_type("BooleanChoice", "label", self.label, Label)
        _check_type("BooleanChoice", "prefill", self.prefill, DefaultValue)


@dataclass(frozen=True, kw_only=True)
class FixedValue(FormSpec[Any]):
    value: Any
    label: "Label | None" = None

    def __post_init__(self):
        super().__post_init__()
        _check_type("FixedValue", "label", self.label, Label)
        ast.literal_eval(repr(self.value))


@dataclass(frozen=True, kw_only=True)
class Integer(FormSpec[int]):
    label: "Label | None" = None
    unit_symbol: str = ""
    prefill: Any = InputHint(0)

    def __post_init__(self):
        super().__post_init__()
        _check_type("Integer", "label", self.label, Label)
        _check_type("Integer", "prefill", self.prefill, (DefaultValue, InputHint))


@dataclass(frozen=True, kw_only=True)
class String(FormSpec[str]):
    label: "Label | None" = None
    macro_support: bool = False
    prefill: Any = InputHint("")
    field_size: FieldSize = FieldSize.MEDIUM

    def __post_init__(self):
        super().__post_init__()
        _check_type("String", "label", self.label, Label)
        _check_type("String", "prefill", self.prefill, (DefaultValue, InputHint))
        _check_type("String", "field_size", self.field_size, FieldSize)


@dataclass(frozen=True, kw_only=True)
class TimeSpan(FormSpec[float]):
    label: "Label | None" = None
    displayed_magnitudes: Sequence[TimeMagnitude]
    prefill: Any = InputHint(0.0)

    def __post_init__(self):
        super().__post_init__()
        _check_type("TimeSpan", "label", self.label, Label)
        if not self.displayed_magnitudes or not all(isinstance(m, TimeMagnitude) for m in self.displayed_magnitudes):
            raise TypeError("TimeSpan.displayed_magnitudes must be TimeMagnitudes")


@dataclass(frozen=True)
class SingleChoiceElement:
    name: str
    title: Title

    def __post_init__(self):
        _check_name(self.name)
        _check_type("SingleChoiceElement", "title", self.title, Title)


@dataclass(frozen=True, kw_only=True)
class SingleChoice(FormSpec[str]):
    elements: Sequence[SingleChoiceElement]
    no_elements_text: "Message | None" = None
    frozen: bool = False
    label: "Label | None" = None
    prefill: Any = InputHint(Title("Please choose"))
    ignored_elements: tuple = ()
    invalid_element_validation: Any = None

    def __post_init__(self):
        super().__post_init__()
        valid = {e.name for e in self.elements}
        if isinstance(self.prefill, DefaultValue) and self.prefill.value not in valid:
            raise ValueError("Invalid default: %r" % (self.prefill.value,))


@dataclass(frozen=True, kw_only=True)
class CascadingSingleChoiceElement(Generic[ModelT]):
    name: str
    title: Title
    parameter_form: FormSpec

    def __post_init__(self):
        _check_name(self.name)
        _check_type("CascadingSingleChoiceElement", "title", self.title, Title)
        _check_type("CascadingSingleChoiceElement", "parameter_form", self.parameter_form, FormSpec)


@dataclass(frozen=True, kw_only=True)
class CascadingSingleChoice(FormSpec[tuple]):
    elements: Sequence[CascadingSingleChoiceElement]
    label: "Label | None" = None
    prefill: Any = InputHint(Title("Please choose"))

    def __post_init__(self):
        super().__post_init__()
        names = {e.name for e in self.elements}
        if isinstance(self.prefill, DefaultValue) and self.prefill.value not in names:
            raise ValueError("Default element is not one of the specified elements")


@dataclass(frozen=True, kw_only=True)
class DictGroup:
    title: "Title | None" = None
    help_text: "Help | None" = None


@dataclass(frozen=True, kw_only=True)
class DictElement(Generic[ModelT]):
    parameter_form: FormSpec
    required: bool = False
    render_only: bool = False

    def __post_init__(self):
        _check_type("DictElement", "parameter_form", self.parameter_form, FormSpec)


@dataclass(frozen=True, kw_only=True)
class Dictionary(FormSpec[Mapping[str, object]]):
    elements: Mapping[str, DictElement]
    no_elements_text: Message = Message("(no parameters)")

    def __post_init__(self):
        super().__post_init__()
        for key, element in self.elements.items():
            _check_name(key)
            _check_type("Dictionary", "element %s" % key, element, DictElement)


@dataclass(frozen=True, kw_only=True)
class Password(FormSpec[tuple]):
    pass


class ProxySchema(Enum):
    HTTP = "http"
    HTTPS = "https"
    SOCKS4 = "socks4"
    SOCKS4A = "socks4a"
    SOCKS5 = "socks5"
    SOCKS5H = "socks5h"


@dataclass(frozen=True, kw_only=True)
class Proxy(FormSpec[tuple]):
    allowed_schemas: frozenset = frozenset(ProxySchema)


def migrate_to_proxy(model):
    """Legacy HTTPProxyReference values to the Proxy form's model."""
    if isinstance(model, tuple) and len(model) == 3 and model[0] == "cmk_postprocessed":
        return model
    if model == ("environment", "environment"):
        return ("cmk_postprocessed", "environment_proxy", "")
    if isinstance(model, tuple) and model[0] == "no_proxy":
        return ("cmk_postprocessed", "no_proxy", "")
    if isinstance(model, tuple) and model[0] == "global":
        return ("cmk_postprocessed", "stored_proxy", model[1])
    if isinstance(model, tuple) and model[0] == "url" and isinstance(model[1], str):
        return ("cmk_postprocessed", "explicit_proxy", model[1])
    raise TypeError("Could not migrate %r to Proxy." % (model,))

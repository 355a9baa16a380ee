"""Stand-in for cmk.gui.valuespec (Checkmk 2.3 and 2.4).

The constructors take the keyword arguments of the real classes (in their order, so
positional use works too) and nothing else. Values are checked as far as the tests need:
validate_value runs a Dictionary's validate function and checks the shape of the values.
"""

import re

from cmk.gui.exceptions import MKUserError

DEF_VALUE = object()  # the real module's sentinel for "no default value"


class ValueSpec:
    def __init__(self, title=None, label=None, help=None, default_value=DEF_VALUE, validate=None):
        if title is not None and not isinstance(title, str):
            raise TypeError("title must be a str")
        if help is not None and not (isinstance(help, str) or callable(help)):
            raise TypeError("help must be a str or a callable")
        if validate is not None and not callable(validate):
            raise TypeError("validate must be callable")
        self._title = title
        self._label = label
        self._help = help
        self._default_value = default_value
        self._validate = validate

    def title(self):
        return self._title

    def help(self):
        return self._help() if callable(self._help) else self._help

    def default_value(self):
        value = self._default_value() if callable(self._default_value) else self._default_value
        return self.canonical_value() if value is DEF_VALUE else value

    def canonical_value(self):
        return None

    def validate_value(self, value, varprefix):
        self._validate_value(value, varprefix)
        if self._validate:
            self._validate(value, varprefix)

    def _validate_value(self, value, varprefix):
        pass


class FixedValue(ValueSpec):
    def __init__(self, value, totext=None, title=None, help=None, default_value=DEF_VALUE, validate=None):
        super().__init__(title=title, help=help, default_value=default_value, validate=validate)
        self._value = value
        self._totext = totext

    def canonical_value(self):
        return self._value

    def _validate_value(self, value, varprefix):
        if value != self._value:
            raise MKUserError(varprefix, "invalid fixed value")


class _Bounded(ValueSpec):
    def _check_bounds(self, value, varprefix):
        if not isinstance(value, int) or isinstance(value, bool):
            raise MKUserError(varprefix, "must be an int")
        if self._minvalue is not None and value < self._minvalue:
            raise MKUserError(varprefix, "too low")
        if self._maxvalue is not None and value > self._maxvalue:
            raise MKUserError(varprefix, "too high")

    def canonical_value(self):
        return self._minvalue or 0

    def _validate_value(self, value, varprefix):
        self._check_bounds(value, varprefix)


class Age(_Bounded):
    def __init__(
        self,
        label=None,
        minvalue=None,
        maxvalue=None,
        display=None,
        title=None,
        help=None,
        default_value=DEF_VALUE,
        validate=None,
        cssclass=None,
    ):
        super().__init__(title=title, label=label, help=help, default_value=default_value, validate=validate)
        if display is not None and not set(display) <= {"days", "hours", "minutes", "seconds"}:
            raise ValueError("display: unknown unit")
        self._minvalue, self._maxvalue, self._display = minvalue, maxvalue, display


class Integer(_Bounded):
    def __init__(
        self,
        size=None,
        minvalue=None,
        maxvalue=None,
        label=None,
        unit="",
        display_format="%d",
        align="left",
        title=None,
        help=None,
        default_value=DEF_VALUE,
        validate=None,
    ):
        super().__init__(title=title, label=label, help=help, default_value=default_value, validate=validate)
        self._minvalue, self._maxvalue, self._unit = minvalue, maxvalue, unit


class TextInput(ValueSpec):
    def __init__(
        self,
        label=None,
        size=25,
        try_max_width=False,
        cssclass="text",
        strip=True,
        allow_empty=True,
        empty_text="",
        read_only=False,
        forbidden_chars="",
        regex=None,
        regex_error=None,
        minlen=None,
        maxlen=None,
        oninput=None,
        autocomplete=None,
        placeholder=None,
        title=None,
        help=None,
        default_value=DEF_VALUE,
        validate=None,
    ):
        super().__init__(title=title, label=label, help=help, default_value=default_value, validate=validate)
        if not (isinstance(size, int) or size == "max"):
            raise TypeError("size must be an int or 'max'")
        self._allow_empty = allow_empty
        self._regex = re.compile(regex) if isinstance(regex, str) else regex
        self._regex_error = regex_error

    def canonical_value(self):
        return ""

    def _validate_value(self, value, varprefix):
        if not isinstance(value, str):
            raise MKUserError(varprefix, "must be a str")
        if not self._allow_empty and not value.strip():
            raise MKUserError(varprefix, "empty")
        if value and self._regex and not self._regex.match(value):
            raise MKUserError(varprefix, self._regex_error or "does not match")


class Password(TextInput):
    def __init__(
        self,
        is_stored_plain=True,
        encrypt_value=True,
        password_meter=False,
        label=None,
        size=25,
        try_max_width=False,
        cssclass="text",
        strip=True,
        allow_empty=True,
        empty_text="",
        read_only=False,
        forbidden_chars="",
        regex=None,
        regex_error=None,
        minlen=None,
        maxlen=None,
        oninput=None,
        autocomplete="new-password",
        placeholder=None,
        title=None,
        help=None,
        default_value=DEF_VALUE,
        validate=None,
    ):
        if help is not None and not isinstance(help, str):
            raise TypeError("Password's help is concatenated with a note, it must be a str")
        super().__init__(
            label=label,
            size=size,
            allow_empty=allow_empty,
            regex=regex,
            regex_error=regex_error,
            title=title,
            help=help,
            default_value=default_value,
            validate=validate,
        )


class Checkbox(ValueSpec):
    def __init__(
        self,
        label=None,
        true_label=None,
        false_label=None,
        onclick=None,
        title=None,
        help=None,
        default_value=DEF_VALUE,
        validate=None,
    ):
        super().__init__(title=title, label=label, help=help, default_value=default_value, validate=validate)

    def canonical_value(self):
        return False

    def _validate_value(self, value, varprefix):
        if not isinstance(value, bool):
            raise MKUserError(varprefix, "must be a bool")


class DropdownChoice(ValueSpec):
    def __init__(
        self,
        choices,
        sorted=False,
        label=None,
        help_separator=None,
        prefix_values=False,
        empty_text=None,
        invalid_choice="complain",
        invalid_choice_title=None,
        invalid_choice_error=None,
        no_preselect_title=None,
        on_change=None,
        read_only=False,
        encode_value=True,
        html_attrs=None,
        deprecated_choices=(),
        title=None,
        help=None,
        default_value=DEF_VALUE,
        validate=None,
        default=None,
    ):
        super().__init__(title=title, label=label, help=help, default_value=default or default_value, validate=validate)
        if not (callable(choices) or isinstance(choices, (list, tuple))):
            raise TypeError("choices must be a sequence or a callable")
        self._choices = choices

    def choices(self):
        result = self._choices() if callable(self._choices) else self._choices
        for entry in result:
            if not (isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[1], str)):
                raise TypeError("a choice is (value, title)")
        return list(result)

    def canonical_value(self):
        choices = self.choices()
        return choices[0][0] if choices else None

    def _validate_value(self, value, varprefix):
        if all(value != v for v, _t in self.choices()):
            raise MKUserError(varprefix, "not a choice")


class CascadingDropdown(ValueSpec):
    def __init__(
        self,
        choices,
        label=None,
        separator=", ",
        sorted=True,
        orientation="vertical",
        render=None,
        no_elements_text=None,
        no_preselect_title=None,
        render_sub_vs_page_name=None,
        render_sub_vs_request_vars=None,
        title=None,
        help=None,
        default_value=DEF_VALUE,
        validate=None,
        show_title_of_choices=False,
    ):
        super().__init__(title=title, label=label, help=help, default_value=default_value, validate=validate)
        for choice in choices if not callable(choices) else choices():
            if not (isinstance(choice, tuple) and len(choice) in (2, 3) and isinstance(choice[1], str)):
                raise TypeError("a choice is (ident, title) or (ident, title, valuespec)")
            if len(choice) == 3 and choice[2] is not None and not isinstance(choice[2], ValueSpec):
                raise TypeError("the third member of a choice must be a valuespec or None")
        self._choices = choices

    def choices(self):
        raw = self._choices() if callable(self._choices) else self._choices
        return [(c[0], c[1], c[2] if len(c) == 3 else None) for c in raw]

    def canonical_value(self):
        ident, _title, vs = self.choices()[0]
        return ident if vs is None else (ident, vs.canonical_value())

    def _validate_value(self, value, varprefix):
        for ident, _title, vs in self.choices():
            if vs is None and value == ident:
                return
            if vs is not None and isinstance(value, tuple) and len(value) == 2 and value[0] == ident:
                vs.validate_value(value[1], varprefix + "_1")
                return
        raise MKUserError(varprefix, "not a choice")


class Dictionary(ValueSpec):
    def __init__(
        self,
        elements,
        empty_text=None,
        default_text=None,
        optional_keys=True,
        required_keys=None,
        show_more_keys=None,
        ignored_keys=None,
        default_keys=None,
        hidden_keys=None,
        columns=1,
        render="normal",
        form_narrow=False,
        form_isopen=True,
        headers=None,
        migrate=None,
        indent=True,
        horizontal=False,
        title=None,
        help=None,
        validate=None,
    ):
        super().__init__(title=title, help=help, validate=validate)
        if callable(elements):
            self._elements = elements
        else:
            const = list(elements)
            self._elements = lambda: const
        names = [e[0] for e in self._elements()]
        for entry in self._elements():
            if not (isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], str)):
                raise TypeError("an element is (key, valuespec)")
            if not isinstance(entry[1], ValueSpec):
                raise TypeError("element %r is not a valuespec" % entry[0])
        if len(set(names)) != len(names):
            raise ValueError("duplicate keys")
        self._required_keys = list(required_keys or [])
        for key in self._required_keys:
            if key not in names:
                raise ValueError("required key %r is not an element" % key)
        self._optional_keys = optional_keys

    def canonical_value(self):
        return {}

    def _validate_value(self, value, varprefix):
        if not isinstance(value, dict):
            raise MKUserError(varprefix, "must be a dict")
        elements = dict(self._elements())
        for key, val in value.items():
            if key not in elements:
                raise MKUserError(varprefix, "unknown key %r" % key)
            elements[key].validate_value(val, varprefix + "_p_" + key)
        for key in self._required_keys:
            if key not in value:
                raise MKUserError(varprefix, "missing key %r" % key)

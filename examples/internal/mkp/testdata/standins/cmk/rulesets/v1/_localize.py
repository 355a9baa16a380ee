"""Stand-in for cmk.rulesets.v1._localize: localizable texts take one positional str."""


class _Localizable:
    def __init__(self, arg, /):
        if not isinstance(arg, str):
            raise TypeError("%s takes a str" % type(self).__name__)
        self._arg = arg

    def __repr__(self):
        return "%s(%r)" % (type(self).__name__, self._arg)

    def localize(self, localizer):
        return localizer(self._arg)

    def __eq__(self, other):
        return type(self) is type(other) and self._arg == other._arg

    def __hash__(self):
        return hash((type(self), self._arg))


class Title(_Localizable):
    pass


class Label(_Localizable):
    pass


class Help(_Localizable):
    pass


class Message(_Localizable):
    pass

"""Stand-in for cmk.rulesets.v1."""

from ._localize import Help, Label, Message, Title

__all__ = ["Help", "Label", "Message", "Title"]

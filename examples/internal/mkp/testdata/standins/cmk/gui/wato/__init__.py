"""Stand-in for the parts of cmk.gui.wato that old GUI plug-ins use."""

from cmk.gui.i18n import _
from cmk.gui.valuespec import (
    CascadingDropdown,
    Dictionary,
    DropdownChoice,
    FixedValue,
    Integer,
    TextInput,
)

# What register_notification_parameters registered: script name -> valuespec.
REGISTERED = {}

_ALLOWED_SCHEMES = frozenset({"http", "https", "socks4", "socks4a", "socks5", "socks5h"})


def register_notification_parameters(scriptname, valuespec):
    if not isinstance(scriptname, str) or not scriptname:
        raise TypeError("scriptname must be a non-empty str")
    if not isinstance(valuespec, Dictionary):
        raise TypeError("the notification parameter valuespec must be a Dictionary")
    # Checkmk 2.3's registration hook retitles the valuespec.
    valuespec._title = _("Call with the following parameters:")
    REGISTERED[scriptname] = valuespec


def HTTPProxyReference(allowed_schemes=_ALLOWED_SCHEMES):
    return CascadingDropdown(
        title=_("HTTP proxy"),
        default_value=("environment", "environment"),
        choices=[
            ("environment", _("Auto-detect proxy settings for this network"), FixedValue(value="environment")),
            ("no_proxy", _("No proxy"), FixedValue(value=None)),
            ("global", _("Globally configured proxy"), DropdownChoice(choices=[], sorted=True)),
            (
                "url",
                _("Manual proxy configuration"),
                Dictionary(
                    required_keys=["scheme", "proxy_server_name", "port"],
                    elements=[
                        ("scheme", DropdownChoice(choices=[(s, s) for s in sorted(allowed_schemes)])),
                        ("proxy_server_name", TextInput()),
                        ("port", Integer(minvalue=0, maxvalue=65535)),
                    ],
                ),
            ),
        ],
        sorted=False,
    )

#!/usr/bin/env python3
# alertbridge: the parameter form of the notification method "alertbridge" for
# Checkmk 2.3 and 2.4 (a GUI plug-in below local/lib/python3/cmk/gui/plugins/wato/,
# shipped in part "lib" of the alertbridge extension package).
#
# Checkmk 2.5 and later read the same form from the Ruleset API v1 file the package
# ships in part "cmk_addons_plugins" (alertbridge/rulesets/notification_parameters.py);
# this file then registers nothing, so that the method has one form.
#
# Every key below reaches the notification script as NOTIFY_PARAMETER_<KEY>; the
# encodings are described in examples/internal/mkp/doc.go and docs/checkmk-form.md of
# github.com/alertbridge/alertbridge.
"""alertbridge parameter form (legacy GUI plug-in for Checkmk 2.3 and 2.4)"""

from cmk.gui.exceptions import MKUserError
from cmk.gui.i18n import _
from cmk.gui.valuespec import (
    Age,
    CascadingDropdown,
    Checkbox,
    Dictionary,
    DropdownChoice,
    FixedValue,
    Integer,
    Password,
    TextInput,
)

METHOD = "alertbridge"

# The Checkmk version from which on the Ruleset API v1 file provides the form.
_RULESET_API_FROM = (2, 5)

_DEFAULT_SUMMARY_HOST = "$NOTIFICATIONTYPE$ Host Alert: $HOSTNAME$ is $HOSTSTATE$ - $HOSTOUTPUT$"
_DEFAULT_SUMMARY_SERVICE = (
    "$NOTIFICATIONTYPE$ Service Alert: $HOSTALIAS$/$SERVICEDESC$ is $SERVICESTATE$ - "
    "$SERVICEOUTPUT$"
)


def _checkmk_version():
    """The running Checkmk version as text, or None when it cannot be told."""
    for module in ("cmk.ccc.version", "cmk.utils.version"):
        try:
            mod = __import__(module, fromlist=["__version__"])
        except ImportError:
            continue
        version = getattr(mod, "__version__", None)
        if isinstance(version, str) and version:
            return version
    return None


def _ruleset_api_provides_form(version):
    """True on Checkmk 2.5 and later (and on master daily builds named by date)."""
    if not version:
        return False
    head = version.split("-", 1)[0].split(".")
    try:
        major = int(head[0])
        minor = int("".join(c for c in head[1] if c.isdigit()) or "0") if len(head) > 1 else 0
    except ValueError:
        return False
    if major >= 2000:  # a daily build of the master branch, such as 2025.05.13
        return True
    return (major, minor) >= _RULESET_API_FROM


def _register_function():
    """register_notification_parameters, from wherever this Checkmk version keeps it."""
    try:
        from cmk.gui.wato import register_notification_parameters

        return register_notification_parameters
    except ImportError:
        pass
    try:
        from cmk.gui.watolib.notification_parameter import register_notification_parameters

        return register_notification_parameters
    except ImportError:
        from cmk.gui.plugins.wato.utils import register_notification_parameters

        return register_notification_parameters


def _proxy_valuespec():
    try:
        from cmk.gui.wato import HTTPProxyReference
    except ImportError:
        from cmk.gui.plugins.wato.utils import HTTPProxyReference
    return HTTPProxyReference()


def _password_store_choices():
    try:
        from cmk.gui.watolib.password_store import passwordstore_choices
    except ImportError:
        return []
    return passwordstore_choices()


def _secret(key, title, explicit_title, explicit_help, store_title, help_text):
    # The built-in iLert form's shape: (key, secret) or ("store", password store id).
    return CascadingDropdown(
        title=title,
        help=help_text,
        choices=[
            (
                key,
                explicit_title,
                Password(size=64, allow_empty=False, help=explicit_help),
            ),
            (
                "store",
                store_title,
                DropdownChoice(
                    choices=_password_store_choices,
                    sorted=True,
                    help=_("The entry of the password store that holds the value."),
                ),
            ),
        ],
    )


def _validate_destination(value, varprefix):
    if not value.get("ilert_api_key") and not value.get("alertops_webhook_url"):
        raise MKUserError(
            varprefix,
            _("Configure at least one destination: an iLert API key or an AlertOps webhook URL."),
        )


def _elements():
    return [
        (
            "ilert_api_key",
            _secret(
                "ilert_api_key",
                _("iLert alert source API key"),
                _("API key"),
                _("The integration key of the iLert alert source."),
                _("API key from password store"),
                _(
                    "The integration key of the iLert alert source that receives the alerts "
                    "(iLert: Alert sources, the source's settings). Enter it here or pick an "
                    "entry of the password store. At least one of this key and the AlertOps "
                    "webhook URL is needed."
                ),
            ),
        ),
        (
            "ilert_mode",
            DropdownChoice(
                title=_("iLert mode"),
                help=_(
                    "How alerts reach iLert. <b>checkmk</b>: the whole notification context to "
                    "iLert's Checkmk endpoint, exactly as Checkmk's built-in iLert method sends "
                    "it, for alert sources of type Checkmk (iLert applies its own summary "
                    "templates and priority). <b>events</b>: alertbridge's own mapping to the "
                    "iLert Events API, for alert sources of type API; alert keys are "
                    "site/host/service, which two-way synchronisation needs. <b>nagios</b>: the "
                    "XML of iLert's 1.x plug-in, for alert sources of type Nagios / Icinga. "
                    "Default: checkmk."
                ),
                choices=[
                    ("checkmk", _("checkmk: Checkmk alert source (as the built-in method)")),
                    ("events", _("events: API alert source (alertbridge's mapping)")),
                    ("nagios", _("nagios: Nagios / Icinga alert source (iLert 1.x plug-in)")),
                ],
                default_value="checkmk",
            ),
        ),
        (
            "ilert_priority",
            DropdownChoice(
                title=_("iLert priority"),
                help=_(
                    "Overrides the priority configured in the iLert alert source: HIGH escalates, "
                    "LOW does not. Without this option the alert source decides."
                ),
                choices=[
                    ("HIGH", _("High (with escalation)")),
                    ("LOW", _("Low (without escalation)")),
                ],
                default_value="HIGH",
            ),
        ),
        (
            "ilert_summary_host",
            TextInput(
                title=_("iLert summary for host alerts"),
                help=_(
                    "Summary of iLert alerts about hosts. Checkmk macros such as $HOSTNAME$ and "
                    "$HOSTSTATE$ are replaced (in checkmk mode by iLert, otherwise by "
                    "alertbridge). Without this option the default shown is used."
                ),
                size=80,
                allow_empty=False,
                default_value=_DEFAULT_SUMMARY_HOST,
            ),
        ),
        (
            "ilert_summary_service",
            TextInput(
                title=_("iLert summary for service alerts"),
                help=_(
                    "Summary of iLert alerts about services. Checkmk macros such as "
                    "$SERVICEDESC$ and $SERVICESTATE$ are replaced (in checkmk mode by iLert, "
                    "otherwise by alertbridge). Without this option the default shown is used."
                ),
                size=80,
                allow_empty=False,
                default_value=_DEFAULT_SUMMARY_SERVICE,
            ),
        ),
        (
            "ilert_rate",
            Integer(
                title=_("iLert rate limit"),
                help=_(
                    "At most this many requests per minute go to one iLert alert source, from "
                    "all notifications together; the others wait in the queue and are sent in "
                    "order as the limit allows. iLert accepts 50 per minute and answers 429 "
                    "beyond. 0 turns pacing off. Default: 50."
                ),
                minvalue=0,
                unit=_("requests per minute"),
                default_value=50,
            ),
        ),
        (
            "alertops_webhook_url",
            _secret(
                "alertops_webhook_url",
                _("AlertOps webhook URL"),
                _("Webhook URL"),
                _(
                    "The URL of the AlertOps inbound integration, "
                    "https://notify.alertops.com/POSTAlert/KEY/NAME."
                ),
                _("Webhook URL from password store"),
                _(
                    "The URL of the AlertOps inbound integration that receives the alerts "
                    "(AlertOps: Integrations, Inbound Integrations). It contains the "
                    "integration's key, so it is kept like a password. At least one of this URL "
                    "and the iLert API key is needed."
                ),
            ),
        ),
        (
            "url_prefix",
            CascadingDropdown(
                title=_("URL prefix for links to Checkmk"),
                help=_(
                    "Makes iLert events and AlertOps alerts link back to the host or service in "
                    "Checkmk. Automatic HTTP or HTTPS builds the prefix from the monitoring "
                    "host's name and the site; or give the URL of the site, such as "
                    "https://monitoring.example.com/mysite/check_mk/."
                ),
                choices=[
                    ("automatic_http", _("Automatic HTTP"), FixedValue(value=None, totext="")),
                    ("automatic_https", _("Automatic HTTPS"), FixedValue(value=None, totext="")),
                    (
                        "manual",
                        _("Specify URL prefix"),
                        TextInput(
                            size=80,
                            allow_empty=False,
                            regex="^https?://[^/]+/",
                            regex_error=_("Give an http or https URL such as https://host/site/check_mk/."),
                        ),
                    ),
                ],
                default_value=("automatic_https", None),
            ),
        ),
        ("proxy_url", _proxy_valuespec()),
        (
            "ignore_ssl",
            FixedValue(
                value=True,
                title=_("Disable TLS certificate verification"),
                totext=_("Do not verify the TLS certificates of iLert, AlertOps and the proxy"),
                help=_(
                    "Accepts any certificate, for example behind a TLS-inspecting proxy. Use with "
                    "caution: anybody in between could read the alerts and the keys."
                ),
            ),
        ),
        (
            "spool",
            Checkbox(
                title=_("Queue"),
                label=_("Queue what cannot be sent right now and deliver it later"),
                help=_(
                    "On (the default), every request is written to the queue in "
                    "$OMD_ROOT/var/alertbridge/spool first and then delivered, so that nothing "
                    "is lost when iLert or AlertOps is down or the notification is killed. Off: "
                    "a failed request is reported to Checkmk as a temporary failure (exit code "
                    "1), which only the commercial editions' notification spooler retries."
                ),
                default_value=True,
            ),
        ),
        (
            "max_age",
            Age(
                title=_("Maximum age of queued alerts"),
                help=_(
                    "A queued request that could not be delivered within this time is given up "
                    "and moved to the queue's failed/ directory with the reason. Default: 7 days."
                ),
                minvalue=60,
                display=["days", "hours", "minutes"],
                default_value=7 * 24 * 3600,
            ),
        ),
        (
            "retrier",
            Checkbox(
                title=_("Background retrier"),
                label=_("Retry queued alerts in the background"),
                help=_(
                    "On (the default), when requests are left in the queue a background "
                    "checkmk-notify process retries them (after 5, 15 and 30 seconds, then every "
                    "minute) until the queue is empty, without a cron job; it logs to "
                    "$OMD_ROOT/var/log/alertbridge.log. Turn it off when a cron job runs "
                    "'checkmk-notify flush' instead."
                ),
                default_value=True,
            ),
        ),
        (
            "timeout",
            Dictionary(
                title=_("Time limits"),
                help=_(
                    "Checkmk stops a notification script after 60 seconds by default (global "
                    "setting 'Notification plug-in timeout'); stay well below it."
                ),
                elements=[
                    (
                        "request",
                        Age(
                            title=_("Per request"),
                            help=_("Time limit of one HTTP request. Default: 10 seconds."),
                            minvalue=1,
                            maxvalue=300,
                            display=["minutes", "seconds"],
                            default_value=10,
                        ),
                    ),
                    (
                        "budget",
                        Age(
                            title=_("Per notification"),
                            help=_(
                                "Time limit of one notification run, queue deliveries "
                                "included; what is left waits in the queue. Default: 30 seconds."
                            ),
                            minvalue=1,
                            maxvalue=3600,
                            display=["minutes", "seconds"],
                            default_value=30,
                        ),
                    ),
                ],
            ),
        ),
    ]


def parameter_valuespec():
    """The form: a Dictionary whose keys become NOTIFY_PARAMETER_<KEY>."""
    return Dictionary(
        title=_("alertbridge parameters"),
        help=_(
            "Sends the notification to iLert and/or AlertOps through alertbridge's durable "
            "queue. Configure at least one destination."
        ),
        elements=_elements(),
        validate=_validate_destination,
    )


def _register():
    if _ruleset_api_provides_form(_checkmk_version()):
        return False
    _register_function()(METHOD, parameter_valuespec())
    return True


REGISTERED = _register()

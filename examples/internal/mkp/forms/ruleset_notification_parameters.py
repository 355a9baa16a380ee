#!/usr/bin/env python3
# alertbridge: the parameter form of the notification method "alertbridge" in the
# Ruleset API v1, for Checkmk 2.5 and later (shipped in part "cmk_addons_plugins" of the
# alertbridge extension package, installed as
# local/lib/python3/cmk_addons/plugins/alertbridge/rulesets/notification_parameters.py).
#
# Checkmk 2.3 and 2.4 do not discover NotificationParameters objects reliably (werk
# "Ruleset API: Fix NotificationParameter discovery", 2.5.0b1); there the package's GUI
# plug-in (part "lib") registers the same form with the same keys.
#
# Every key reaches the notification script as NOTIFY_PARAMETER_<KEY>; the encodings
# are described in examples/internal/mkp/doc.go and docs/checkmk-form.md of
# github.com/alertbridge/alertbridge.
"""alertbridge parameter form (Ruleset API v1, Checkmk 2.5 and later)"""

import uuid

from cmk.rulesets.v1 import Help, Label, Message, Title
from cmk.rulesets.v1.form_specs import (
    BooleanChoice,
    CascadingSingleChoice,
    CascadingSingleChoiceElement,
    DefaultValue,
    DictElement,
    Dictionary,
    FieldSize,
    FixedValue,
    Integer,
    migrate_to_proxy,
    Password,
    Proxy,
    SingleChoice,
    SingleChoiceElement,
    String,
    TimeMagnitude,
    TimeSpan,
)
from cmk.rulesets.v1.form_specs.validators import (
    LengthInRange,
    MatchRegex,
    NumberInRange,
    ValidationError,
)
from cmk.rulesets.v1.rule_specs import NotificationParameters, Topic

_DEFAULT_SUMMARY_HOST = "$NOTIFICATIONTYPE$ Host Alert: $HOSTNAME$ is $HOSTSTATE$ - $HOSTOUTPUT$"
_DEFAULT_SUMMARY_SERVICE = (
    "$NOTIFICATIONTYPE$ Service Alert: $HOSTALIAS$/$SERVICEDESC$ is $SERVICESTATE$ - "
    "$SERVICEOUTPUT$"
)


def _migrate_secret(value):
    """Accept what the 2.3/2.4 form stored for a secret and the Password form's own value.

    The 2.3/2.4 form stores (key, secret) or ("store", id); the Password form stores
    ("cmk_postprocessed", "explicit_password" | "stored_password", (id, secret)). Already
    migrated values are returned unchanged.
    """
    if isinstance(value, tuple) and len(value) == 3:
        if value[0] == "cmk_postprocessed":
            return value
        if value[0] in ("explicit_password", "stored_password"):
            return ("cmk_postprocessed", value[0], (value[1], value[2]))
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], str):
        if value[0] == "store":
            return ("cmk_postprocessed", "stored_password", (value[1], ""))
        return ("cmk_postprocessed", "explicit_password", ("uuid" + str(uuid.uuid4()), value[1]))
    raise ValueError("not a password value")


def _migrate_url_prefix(value):
    """The 2.3/2.4 form stores the same shape; older forms a dict or a plain URL."""
    if isinstance(value, tuple):
        return value
    if isinstance(value, dict):
        if "manual" in value:
            return ("manual", value["manual"])
        if "automatic" in value:
            return ("automatic_" + str(value["automatic"]), None)
    if isinstance(value, str):
        if value.startswith("automatic_"):
            return (value, None)
        return ("manual", value)
    raise ValueError("not a URL prefix value")


def _seconds(value):
    """The 2.3/2.4 form stores whole seconds (int); TimeSpan stores float seconds."""
    return float(value)


def _validate_destination(value):
    if not value.get("ilert_api_key") and not value.get("alertops_webhook_url"):
        raise ValidationError(
            Message("Configure at least one destination: an iLert API key or an AlertOps webhook URL.")
        )


def _secret(title, help_text):
    return DictElement(
        parameter_form=Password(title=title, help_text=help_text, migrate=_migrate_secret),
    )


def _parameter_form():
    return Dictionary(
        title=Title("alertbridge parameters"),
        help_text=Help(
            "Sends the notification to iLert and/or AlertOps through alertbridge's durable "
            "queue. Configure at least one destination."
        ),
        custom_validate=(_validate_destination,),
        elements={
            "ilert_api_key": _secret(
                Title("iLert alert source API key"),
                Help(
                    "The integration key of the iLert alert source that receives the alerts "
                    "(iLert: Alert sources, the source's settings). Enter it here or pick an "
                    "entry of the password store. At least one of this key and the AlertOps "
                    "webhook URL is needed."
                ),
            ),
            "ilert_mode": DictElement(
                parameter_form=SingleChoice(
                    title=Title("iLert mode"),
                    help_text=Help(
                        "How alerts reach iLert. <b>checkmk</b>: the whole notification context "
                        "to iLert's Checkmk endpoint, exactly as Checkmk's built-in iLert method "
                        "sends it, for alert sources of type Checkmk (iLert applies its own "
                        "summary templates and priority). <b>events</b>: alertbridge's own "
                        "mapping to the iLert Events API, for alert sources of type API; alert "
                        "keys are site/host/service, which two-way synchronisation needs. "
                        "<b>nagios</b>: the XML of iLert's 1.x plug-in, for alert sources of type "
                        "Nagios / Icinga. Default: checkmk."
                    ),
                    elements=[
                        SingleChoiceElement(
                            name="checkmk",
                            title=Title("checkmk: Checkmk alert source (as the built-in method)"),
                        ),
                        SingleChoiceElement(
                            name="events",
                            title=Title("events: API alert source (alertbridge's mapping)"),
                        ),
                        SingleChoiceElement(
                            name="nagios",
                            title=Title("nagios: Nagios / Icinga alert source (iLert 1.x plug-in)"),
                        ),
                    ],
                    prefill=DefaultValue("checkmk"),
                ),
            ),
            "ilert_priority": DictElement(
                parameter_form=SingleChoice(
                    title=Title("iLert priority"),
                    help_text=Help(
                        "Overrides the priority configured in the iLert alert source: HIGH "
                        "escalates, LOW does not. Without this option the alert source decides."
                    ),
                    elements=[
                        SingleChoiceElement(name="HIGH", title=Title("High (with escalation)")),
                        SingleChoiceElement(name="LOW", title=Title("Low (without escalation)")),
                    ],
                    prefill=DefaultValue("HIGH"),
                ),
            ),
            "ilert_summary_host": DictElement(
                parameter_form=String(
                    title=Title("iLert summary for host alerts"),
                    help_text=Help(
                        "Summary of iLert alerts about hosts. Checkmk macros such as $HOSTNAME$ "
                        "and $HOSTSTATE$ are replaced (in checkmk mode by iLert, otherwise by "
                        "alertbridge). Without this option the default shown is used."
                    ),
                    macro_support=True,
                    field_size=FieldSize.LARGE,
                    prefill=DefaultValue(_DEFAULT_SUMMARY_HOST),
                    custom_validate=(LengthInRange(min_value=1),),
                ),
            ),
            "ilert_summary_service": DictElement(
                parameter_form=String(
                    title=Title("iLert summary for service alerts"),
                    help_text=Help(
                        "Summary of iLert alerts about services. Checkmk macros such as "
                        "$SERVICEDESC$ and $SERVICESTATE$ are replaced (in checkmk mode by "
                        "iLert, otherwise by alertbridge). Without this option the default shown "
                        "is used."
                    ),
                    macro_support=True,
                    field_size=FieldSize.LARGE,
                    prefill=DefaultValue(_DEFAULT_SUMMARY_SERVICE),
                    custom_validate=(LengthInRange(min_value=1),),
                ),
            ),
            "ilert_rate": DictElement(
                parameter_form=Integer(
                    title=Title("iLert rate limit"),
                    help_text=Help(
                        "At most this many requests per minute go to one iLert alert source, "
                        "from all notifications together; the others wait in the queue and are "
                        "sent in order as the limit allows. iLert accepts 50 per minute and "
                        "answers 429 beyond. 0 turns pacing off. Default: 50."
                    ),
                    unit_symbol="/min",
                    prefill=DefaultValue(50),
                    custom_validate=(NumberInRange(min_value=0),),
                ),
            ),
            "alertops_webhook_url": _secret(
                Title("AlertOps webhook URL"),
                Help(
                    "The URL of the AlertOps inbound integration that receives the alerts "
                    "(AlertOps: Integrations, Inbound Integrations), "
                    "https://notify.alertops.com/POSTAlert/KEY/NAME. It contains the "
                    "integration's key, so it is kept like a password. At least one of this "
                    "URL and the iLert API key is needed."
                ),
            ),
            "url_prefix": DictElement(
                parameter_form=CascadingSingleChoice(
                    title=Title("URL prefix for links to Checkmk"),
                    help_text=Help(
                        "Makes iLert events and AlertOps alerts link back to the host or service "
                        "in Checkmk. Automatic HTTP or HTTPS builds the prefix from the "
                        "monitoring host's name and the site; or give the URL of the site, such "
                        "as https://monitoring.example.com/mysite/check_mk/."
                    ),
                    elements=[
                        CascadingSingleChoiceElement(
                            name="automatic_http",
                            title=Title("Automatic HTTP"),
                            parameter_form=FixedValue(value=None),
                        ),
                        CascadingSingleChoiceElement(
                            name="automatic_https",
                            title=Title("Automatic HTTPS"),
                            parameter_form=FixedValue(value=None),
                        ),
                        CascadingSingleChoiceElement(
                            name="manual",
                            title=Title("Specify URL prefix"),
                            parameter_form=String(
                                field_size=FieldSize.LARGE,
                                custom_validate=(
                                    MatchRegex(
                                        "^https?://[^/]+/",
                                        Message(
                                            "Give an http or https URL such as "
                                            "https://host/site/check_mk/."
                                        ),
                                    ),
                                ),
                            ),
                        ),
                    ],
                    prefill=DefaultValue("automatic_https"),
                    migrate=_migrate_url_prefix,
                ),
            ),
            "proxy_url": DictElement(
                parameter_form=Proxy(
                    title=Title("HTTP proxy"),
                    help_text=Help(
                        "The proxy for the requests to iLert and AlertOps: the environment's "
                        "(HTTPS_PROXY, HTTP_PROXY, NO_PROXY), none, a globally configured one or "
                        "an explicit one. Without this option the environment's proxy is used."
                    ),
                    migrate=migrate_to_proxy,
                ),
            ),
            "ignore_ssl": DictElement(
                parameter_form=FixedValue(
                    value=True,
                    title=Title("Disable TLS certificate verification"),
                    label=Label("Do not verify the TLS certificates of iLert, AlertOps and the proxy"),
                    help_text=Help(
                        "Accepts any certificate, for example behind a TLS-inspecting proxy. Use "
                        "with caution: anybody in between could read the alerts and the keys."
                    ),
                ),
            ),
            "spool": DictElement(
                parameter_form=BooleanChoice(
                    title=Title("Queue"),
                    label=Label("Queue what cannot be sent right now and deliver it later"),
                    help_text=Help(
                        "On (the default), every request is written to the queue in "
                        "$OMD_ROOT/var/alertbridge/spool first and then delivered, so that "
                        "nothing is lost when iLert or AlertOps is down or the notification is "
                        "killed. Off: a failed request is reported to Checkmk as a temporary "
                        "failure (exit code 1), which only the commercial editions' notification "
                        "spooler retries."
                    ),
                    prefill=DefaultValue(True),
                ),
            ),
            "max_age": DictElement(
                parameter_form=TimeSpan(
                    title=Title("Maximum age of queued alerts"),
                    help_text=Help(
                        "A queued request that could not be delivered within this time is given "
                        "up and moved to the queue's failed/ directory with the reason. "
                        "Default: 7 days."
                    ),
                    displayed_magnitudes=[TimeMagnitude.DAY, TimeMagnitude.HOUR, TimeMagnitude.MINUTE],
                    prefill=DefaultValue(7 * 24 * 3600.0),
                    custom_validate=(NumberInRange(min_value=60),),
                    migrate=_seconds,
                ),
            ),
            "retrier": DictElement(
                parameter_form=BooleanChoice(
                    title=Title("Background retrier"),
                    label=Label("Retry queued alerts in the background"),
                    help_text=Help(
                        "On (the default), when requests are left in the queue a background "
                        "checkmk-notify process retries them (after 5, 15 and 30 seconds, then "
                        "every minute) until the queue is empty, without a cron job; it logs to "
                        "$OMD_ROOT/var/log/alertbridge.log. Turn it off when a cron job runs "
                        "'checkmk-notify flush' instead."
                    ),
                    prefill=DefaultValue(True),
                ),
            ),
            "timeout": DictElement(
                parameter_form=Dictionary(
                    title=Title("Time limits"),
                    help_text=Help(
                        "Checkmk stops a notification script after 60 seconds by default (global "
                        "setting 'Notification plug-in timeout'); stay well below it."
                    ),
                    elements={
                        "request": DictElement(
                            parameter_form=TimeSpan(
                                title=Title("Per request"),
                                help_text=Help("Time limit of one HTTP request. Default: 10 seconds."),
                                displayed_magnitudes=[
                                    TimeMagnitude.MINUTE,
                                    TimeMagnitude.SECOND,
                                    TimeMagnitude.MILLISECOND,
                                ],
                                prefill=DefaultValue(10.0),
                                custom_validate=(NumberInRange(min_value=0.1, max_value=300),),
                                migrate=_seconds,
                            ),
                        ),
                        "budget": DictElement(
                            parameter_form=TimeSpan(
                                title=Title("Per notification"),
                                help_text=Help(
                                    "Time limit of one notification run, queue deliveries "
                                    "included; what is left waits in the queue. Default: 30 "
                                    "seconds."
                                ),
                                displayed_magnitudes=[TimeMagnitude.MINUTE, TimeMagnitude.SECOND],
                                prefill=DefaultValue(30.0),
                                custom_validate=(NumberInRange(min_value=1, max_value=3600),),
                                migrate=_seconds,
                            ),
                        ),
                    },
                ),
            ),
        },
    )


rule_spec_alertbridge = NotificationParameters(
    name="alertbridge",
    title=Title("alertbridge: iLert and AlertOps"),
    topic=Topic.NOTIFICATIONS,
    parameter_form=_parameter_form,
    help_text=Help(
        "Parameters of the notification method alertbridge (iLert and AlertOps notifications "
        "that are never lost)."
    ),
)

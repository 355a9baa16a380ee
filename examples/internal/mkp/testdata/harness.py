#!/usr/bin/env python3
"""Loads the alertbridge forms against the Checkmk stand-ins and reports what they do.

Used by python_test.go; no Checkmk code is copied. Usage:

    harness.py legacy   STANDINS FILE VERSION LAYOUT   # the 2.3/2.4 GUI plug-in
    harness.py ruleset  STANDINS FILE                  # the Ruleset API v1 file
    harness.py encodings                               # NOTIFY_PARAMETER_* of sample values

LAYOUT is "ccc" (cmk.ccc.version, 2.4 and later), "utils" (cmk.utils.version, 2.3) or
"none" (no version module). The result is one JSON object on standard output.
"""

import importlib.util
import json
import os
import sys


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _text(value):
    """A stand-in localizable (or a plain str) as text."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return value.localize(lambda s: s)


def _legacy_field(vs):
    out = {"type": type(vs).__name__, "title": vs.title(), "help": vs.help()}
    if hasattr(vs, "choices"):
        out["choices"] = [c[0] for c in vs.choices()]
    if type(vs).__name__ == "Dictionary":
        out["elements"] = {k: _legacy_field(v) for k, v in vs._elements()}
    out["default"] = vs.default_value()
    return out


def legacy(standins, path, version, layout):
    sys.path.insert(0, standins)
    os.environ["STANDIN_CMK_VERSION"] = version
    if layout != "ccc":
        sys.modules["cmk.ccc.version"] = None  # import raises ImportError, as on 2.3
    if layout == "none":
        sys.modules["cmk.utils.version"] = None
    from cmk.gui.exceptions import MKUserError
    from cmk.gui.wato import REGISTERED

    _load(path, "cmk.gui.plugins.wato.alertbridge_notification_parameters")
    result = {"registered": sorted(REGISTERED)}
    spec = REGISTERED.get("alertbridge")
    if spec is None:
        return result
    # What 2.4's _construct_form_spec_from_valuespec reads from a legacy Dictionary.
    elements = list(spec._elements())
    result["required_keys"] = list(spec._required_keys)
    result["order"] = [key for key, _vs in elements]
    result["fields"] = {key: _legacy_field(vs) for key, vs in elements}

    def accepts(value):
        try:
            spec.validate_value(value, "p")
            return "ok"
        except MKUserError as e:
            return "rejected: %s" % e.message

    result["validate"] = {
        "empty": accepts({}),
        "ilert": accepts({"ilert_api_key": ("ilert_api_key", "k")}),
        "alertops_store": accepts({"alertops_webhook_url": ("store", "alertops_ops")}),
        "defaults": accepts(
            dict(
                {key: vs.default_value() for key, vs in elements},
                ilert_api_key=("store", "ilert_prod"),
                alertops_webhook_url=("store", "alertops_ops"),
            )
        ),
        "bad_mode": accepts({"ilert_api_key": ("store", "ilert_prod"), "ilert_mode": "xml"}),
        "bad_prefix": accepts(
            {"ilert_api_key": ("store", "ilert_prod"), "url_prefix": ("manual", "ftp://x/")}
        ),
    }
    return result


def _form_field(form):
    out = {
        "type": type(form).__name__,
        "title": _text(form.title),
        "help": _text(form.help_text),
        "migrate": form.migrate is not None,
    }
    if hasattr(form, "elements") and type(form).__name__ in ("SingleChoice", "CascadingSingleChoice"):
        out["choices"] = [e.name for e in form.elements]
    if type(form).__name__ == "Dictionary":
        out["elements"] = {k: _form_field(e.parameter_form) for k, e in form.elements.items()}
        out["required"] = sorted(k for k, e in form.elements.items() if e.required)
    prefill = getattr(form, "prefill", None)
    if prefill is not None and type(prefill).__name__ == "DefaultValue":
        out["default"] = prefill.value
    return out


def ruleset(standins, path):
    sys.path.insert(0, standins)
    from cmk.rulesets.v1.form_specs.validators import ValidationError
    from cmk.rulesets.v1.rule_specs import NotificationParameters

    module = _load(path, "cmk_addons.plugins.alertbridge.rulesets.notification_parameters")
    # Checkmk discovers module-level objects whose names start with rule_spec_.
    found = {n: v for n, v in vars(module).items() if n.startswith("rule_spec_")}
    result = {"rule_specs": sorted(found)}
    specs = [v for v in found.values() if isinstance(v, NotificationParameters)]
    if len(specs) != 1:
        return result
    spec = specs[0]
    form = spec.parameter_form()
    result.update(
        name=spec.name,
        topic=spec.topic.value,
        title=_text(spec.title),
        form_type=type(form).__name__,
        order=list(form.elements),
        fields=_form_field(form)["elements"],
        required=_form_field(form)["required"],
    )

    def accepts(value):
        try:
            for validate in form.custom_validate or ():
                validate(value)
            return "ok"
        except ValidationError as e:
            return "rejected: %s" % _text(e.message)

    result["validate"] = {
        "empty": accepts({}),
        "ilert": accepts({"ilert_api_key": ("cmk_postprocessed", "stored_password", ("ilert_prod", ""))}),
        "alertops": accepts({"alertops_webhook_url": ("cmk_postprocessed", "explicit_password", ("uuid1", "u"))}),
    }
    key_form = form.elements["ilert_api_key"].parameter_form
    prefix_form = form.elements["url_prefix"].parameter_form
    age_form = form.elements["max_age"].parameter_form
    explicit = key_form.migrate(("ilert_api_key", "K"))
    result["migrate"] = {
        "secret_store": key_form.migrate(("store", "ilert_prod")),
        "secret_explicit_kind": [explicit[0], explicit[1], explicit[2][0].startswith("uuid"), explicit[2][1]],
        "secret_migrated": key_form.migrate(("cmk_postprocessed", "stored_password", ("x", ""))),
        "secret_2_3_beta": key_form.migrate(("explicit_password", "uuidA", "K")),
        "prefix_tuple": prefix_form.migrate(("automatic_https", None)),
        "prefix_dict_manual": prefix_form.migrate({"manual": "https://h/s/check_mk/"}),
        "prefix_dict_automatic": prefix_form.migrate({"automatic": "http"}),
        "max_age_int": age_form.migrate(604800),
    }
    return result


# ---- encodings -------------------------------------------------------------------------
# How Checkmk 2.2 and later turn a rule's parameter dictionary into PARAMETER_* context
# variables (cmk/base/events.py, add_to_event_context; checkmk-notification-interface.md
# section 3), written from those rules: a dict recurses with _<KEY>; a list or tuple gets
# _1 ... _n, and when all its members are str also the joined variable (tuple: TAB,
# without suffix; list: space, suffix S); str, int, float and bool become str(value);
# None becomes ""; the value of key proxy_url is first serialized to a string.


def _serialize_proxy(value):
    if isinstance(value, tuple) and value and value[0] == "cmk_postprocessed":
        kind, rest = value[1], value[2]
        return {"environment_proxy": "FROM_ENVIRONMENT", "no_proxy": "NO_PROXY"}.get(kind, rest)
    if value == ("environment", "environment"):
        return "FROM_ENVIRONMENT"
    if isinstance(value, tuple) and value[0] == "no_proxy":
        return "NO_PROXY"
    return value[1]


def _flatten(ctx, prefix, value):
    if isinstance(value, (list, tuple)):
        if all(isinstance(v, str) for v in value):
            if isinstance(value, list):
                ctx[prefix + "S"] = " ".join(value)
            else:
                ctx[prefix] = "\t".join(value)
        for nr, v in enumerate(value, start=1):
            _flatten(ctx, "%s_%d" % (prefix, nr), v)
    elif isinstance(value, dict):
        for key, v in value.items():
            name = "%s_%s" % (prefix, key.upper())
            if name == "PARAMETER_PROXY_URL":
                v = _serialize_proxy(v)
            _flatten(ctx, name, v)
    elif isinstance(value, (str, int, float)):
        ctx[prefix] = str(value)
    elif value is None:
        ctx[prefix] = ""
    else:
        ctx[prefix] = repr(value)


_ID = "uuid0b1c2d3e-4f50-4617-8283-94a5b6c7d8e9"

# Sample values as the two forms store them: "legacy" is what the 2.3/2.4 GUI plug-in's
# valuespecs produce, "ruleset" what the Ruleset API v1 form specs produce on 2.5.
SAMPLES = {
    "legacy": {
        "ilert_api_key": [("ilert_api_key", "KEY"), ("store", "ilert_prod")],
        "alertops_webhook_url": [("alertops_webhook_url", "URL"), ("store", "alertops_ops")],
        "ilert_mode": ["checkmk", "events", "nagios"],
        "ilert_priority": ["HIGH", "LOW"],
        "ilert_summary_host": ["$HOSTNAME$ is $HOSTSTATE$"],
        "ilert_summary_service": ["$SERVICEDESC$ is $SERVICESTATE$"],
        "url_prefix": [("automatic_https", None), ("manual", "https://cmk.example.com/prod/check_mk/")],
        "proxy_url": [("environment", "environment"), ("no_proxy", None), ("url", "http://proxy:3128")],
        "ignore_ssl": [True],
        "spool": [True, False],
        "max_age": [604800],
        "retrier": [True, False],
        "ilert_rate": [50, 0],
        "timeout": [{"request": 10, "budget": 30}],
    },
    "ruleset": {
        "ilert_api_key": [
            ("cmk_postprocessed", "explicit_password", (_ID, "KEY")),
            ("cmk_postprocessed", "stored_password", ("ilert_prod", "")),
        ],
        "alertops_webhook_url": [
            ("cmk_postprocessed", "explicit_password", (_ID, "URL")),
            ("cmk_postprocessed", "stored_password", ("alertops_ops", "")),
        ],
        "ilert_mode": ["checkmk", "events", "nagios"],
        "ilert_priority": ["HIGH", "LOW"],
        "ilert_summary_host": ["$HOSTNAME$ is $HOSTSTATE$"],
        "ilert_summary_service": ["$SERVICEDESC$ is $SERVICESTATE$"],
        "url_prefix": [("automatic_https", None), ("manual", "https://cmk.example.com/prod/check_mk/")],
        "proxy_url": [
            ("cmk_postprocessed", "environment_proxy", ""),
            ("cmk_postprocessed", "no_proxy", ""),
            ("cmk_postprocessed", "explicit_proxy", "http://proxy:3128"),
        ],
        "ignore_ssl": [True],
        "spool": [True, False],
        "max_age": [604800.0],
        "retrier": [True, False],
        "ilert_rate": [50, 0],
        "timeout": [{"request": 2.5, "budget": 30.0}],
    },
}


def encodings():
    out = {}
    for form, fields in SAMPLES.items():
        out[form] = {}
        for key, values in fields.items():
            cases = []
            for value in values:
                ctx = {}
                _flatten(ctx, "PARAMETER", {key: value})
                cases.append(["NOTIFY_%s=%s" % (k, v) for k, v in sorted(ctx.items())])
            out[form][key] = cases
    return out


def main(argv):
    if argv[1] == "legacy":
        result = legacy(argv[2], argv[3], argv[4], argv[5])
    elif argv[1] == "ruleset":
        result = ruleset(argv[2], argv[3])
    elif argv[1] == "encodings":
        result = encodings()
    else:
        raise SystemExit("unknown command %r" % argv[1])
    json.dump(result, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    sys.dont_write_bytecode = True
    main(sys.argv)

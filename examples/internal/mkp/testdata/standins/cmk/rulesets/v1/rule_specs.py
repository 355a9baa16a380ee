"""Stand-in for cmk.rulesets.v1.rule_specs (only what notification forms use)."""

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from keyword import iskeyword

from ._localize import Help, Title
from .form_specs import Dictionary


class Topic(Enum):
    APPLICATIONS = "applications"
    CACHING_MESSAGE_QUEUES = "cache_message_queues"
    CLOUD = "cloud"
    CONFIGURATION_DEPLOYMENT = "configuration_deployment"
    DATABASES = "databases"
    GENERAL = "general"
    ENVIRONMENTAL = "environmental"
    LINUX = "linux"
    NETWORKING = "networking"
    MIDDLEWARE = "middleware"
    NOTIFICATIONS = "notifications"
    OPERATING_SYSTEM = "operating_system"
    PERIPHERALS = "peripherals"
    POWER = "power"
    SERVER_HARDWARE = "server_hardware"
    STORAGE = "storage"
    SYNTHETIC_MONITORING = "synthetic_monitoring"
    VIRTUALIZATION = "virtualization"
    WINDOWS = "windows"


@dataclass(frozen=True)
class CustomTopic:
    title: Title


@dataclass(frozen=True)
class NotificationParameters:
    title: Title
    topic: "Topic | CustomTopic"
    parameter_form: Callable[[], Dictionary]
    name: str
    is_deprecated: bool = False
    help_text: "Help | None" = None

    def __post_init__(self):
        if not isinstance(self.title, Title):
            raise TypeError("title must be a Title")
        if not isinstance(self.topic, (Topic, CustomTopic)):
            raise TypeError("topic must be a Topic")
        if not callable(self.parameter_form):
            raise TypeError("parameter_form must be a callable returning a Dictionary")
        if self.help_text is not None and not isinstance(self.help_text, Help):
            raise TypeError("help_text must be a Help")
        if not self.name.isidentifier() or iskeyword(self.name):
            raise ValueError("%r is not a valid, non-reserved Python identifier" % self.name)

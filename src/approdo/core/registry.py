"""What each app offers the rest of the site, declared on its AppConfig and read here.

The demo command, the main menu and the exports read these declarations instead of importing
the apps one by one, so adding an app means editing that app only:

    class FundingConfig(AppConfig):
        name = "approdo.funding"
        demo = "approdo.funding.demo.create_demo_data"  # () -> str: makes the data, says what
        demo_order = 60                                # runs after the lower numbers
        datasets = "approdo.funding.exports.datasets"   # () -> {name: Dataset}, for exports
        menu = "approdo.funding.navigation.menu"       # (user) -> [MenuEntry] for that person
        menu_groups = [MenuGroup("calls", _("Calls"), order=30)]

Functions are named by dotted path and imported when first called: AppConfig classes are
read before the models exist, and the functions use models. Every attribute is optional.
"""

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from django.apps import AppConfig, apps
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class MenuGroup:
    """A heading of the main menu. Declared once, by the app it belongs to; any app may put
    entries in it by its key."""

    key: str
    label: str
    order: int  # place in the menu, smallest first


@dataclass(frozen=True)
class MenuEntry:
    """A link of the main menu, in the group with key `group`."""

    group: str
    label: str
    url_name: str
    # Place among the group's entries from other apps; one app's entries keep the order it gives.
    order: int = 0

    @property
    def url(self) -> str:
        return reverse(self.url_name)


def _declared(attribute: str) -> list[tuple[AppConfig, Any]]:
    """(app config, imported object) for every app declaring `attribute`, in INSTALLED_APPS
    order."""
    return [
        (config, import_string(path))
        for config in apps.get_app_configs()
        if (path := getattr(config, attribute, None))
    ]


def demo_loaders() -> list[Callable[[], str | None]]:
    """The apps' demo loaders in `demo_order` (an app that declares `demo` must give one)."""
    declared = sorted(_declared("demo"), key=lambda item: item[0].demo_order)
    return [loader for _config, loader in declared]


def datasets() -> dict[str, Any]:
    """Every app's datasets by name; two apps declaring the same name is an error."""
    found: dict[str, Any] = {}
    for config, declare in _declared("datasets"):
        for name, dataset in declare().items():
            if name in found:
                raise ImproperlyConfigured(f"{config.name} declares dataset {name} again.")
            found[name] = dataset
    return found


def menu_groups() -> list[MenuGroup]:
    """Every declared group of the main menu, in menu order."""
    configs = apps.get_app_configs()
    groups = [group for config in configs for group in getattr(config, "menu_groups", ())]
    return sorted(groups, key=attrgetter("order"))


def menu_entries(user) -> list[MenuEntry]:
    """The entries the apps offer `user` (anonymous included), by their `order`."""
    entries = [entry for _config, menu in _declared("menu") for entry in menu(user)]
    return sorted(entries, key=attrgetter("order"))

"""What the apps declare on their AppConfig is what the demo, the menu and the exports use."""

from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured

from approdo.core import registry
from approdo.reports.datasets import get_dataset


def test_demo_loads_the_territory_the_taxonomies_and_the_organisations_first():
    modules = [loader.__module__ for loader in registry.demo_loaders()]
    assert modules[:3] == [
        "approdo.territory.demo",
        "approdo.taxonomy.demo",
        "approdo.organizations.demo",
    ]
    assert modules.index("approdo.surveys.demo") < modules.index("approdo.practices.demo")


def test_every_app_with_a_demo_module_declares_its_loader():
    declared = {loader.__module__ for loader in registry.demo_loaders()}
    configs = apps.get_app_configs()
    with_module = {f"{c.name}.demo" for c in configs if (Path(c.path) / "demo.py").exists()}
    assert with_module == declared


def test_declared_datasets_are_registered_for_export():
    declared = registry.datasets()
    assert {"survey_responses", "survey_repeat_rows"} <= declared.keys()
    for name in declared:
        assert type(get_dataset(name)) is type(declared[name])


def test_a_dataset_declared_twice_is_an_error(monkeypatch):
    surveys = apps.get_app_config("surveys")
    monkeypatch.setattr(apps.get_app_config("practices"), "datasets", surveys.datasets, False)
    with pytest.raises(ImproperlyConfigured, match="survey_responses"):
        registry.datasets()


def test_menu_groups_come_in_their_declared_order():
    orders = [group.order for group in registry.menu_groups()]
    assert orders == sorted(orders)
    keys = [group.key for group in registry.menu_groups()]
    assert len(keys) == len(set(keys)), "a group is declared by one app only"


def test_entries_from_several_apps_share_a_group_by_their_order(db):
    entries = registry.menu_entries(AnonymousUser())
    assert [entry.url_name for entry in entries if entry.group == "territory"] == [
        "territory:region"
    ]
    assert all(entry.group != "administration" for entry in entries)

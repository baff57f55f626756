from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "approdo.governance"

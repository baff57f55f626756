from django.apps import AppConfig
from django.db.models.signals import post_delete


def _unindex(sender, instance, **kwargs):
    from approdo.practices import search

    search.reindex([instance.pk])  # no longer a practice: its index rows go


class PracticesConfig(AppConfig):
    name = "approdo.practices"

    def ready(self):
        from approdo.practices.models import Practice

        post_delete.connect(_unindex, sender=Practice, dispatch_uid="practices-unindex")

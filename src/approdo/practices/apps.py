from django.apps import AppConfig
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from approdo.core.registry import MenuGroup


def _unindex(sender, instance, **kwargs):
    from approdo.practices import search

    search.reindex([instance.pk])  # no longer a practice: its index rows go


def _reindex_led_by(sender, instance, created, raw=False, **kwargs):
    """The practices of an organisation are filed under its sector and searched by its name:
    a change of either reaches the index (a queryset update() sends no signal: call
    search.reindex after one)."""
    if created or raw:
        return
    from approdo.practices import search
    from approdo.practices.models import Practice

    involved = Practice.objects.filter(
        Q(lead_organization=instance) | Q(partners=instance), published_at__isnull=False
    )
    search.reindex(involved.values_list("pk", flat=True).distinct())


class PracticesConfig(AppConfig):
    name = "approdo.practices"
    datasets = "approdo.practices.exports.datasets"
    demo = "approdo.practices.demo.create_demo_data"
    demo_order = 50  # one practice comes from a survey response
    menu = "approdo.practices.navigation.menu"
    menu_groups = [MenuGroup("practices", _("Good practices"), order=20)]

    def ready(self):
        from approdo.organizations.models import Organization
        from approdo.practices.editorial_views import response_panel
        from approdo.practices.models import Practice
        from approdo.surveys import review_panels

        review_panels.register(response_panel)  # "Create the practice draft" on a response

        post_delete.connect(_unindex, sender=Practice, dispatch_uid="practices-unindex")
        post_save.connect(
            _reindex_led_by, sender=Organization, dispatch_uid="practices-reindex-organization"
        )

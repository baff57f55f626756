from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaxonomyConfig(AppConfig):
    name = "approdo.taxonomy"
    verbose_name = _("Taxonomies")
    demo = "approdo.taxonomy.demo.create_demo_data"
    demo_order = 20

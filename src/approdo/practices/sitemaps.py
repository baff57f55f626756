"""Sitemap of the public catalogue: the catalogue page and every published practice."""

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.urls import reverse

from approdo.core.decorators import public
from approdo.practices.models import Practice


class CatalogueSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return ["practices:catalogue"]

    def location(self, item: str) -> str:
        return reverse(item)


class PracticeSitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        return Practice.objects.published().only("code", "updated_at").order_by("pk")

    def location(self, item: Practice) -> str:
        return reverse("practices:detail", kwargs={"code": item.code})

    def lastmod(self, item: Practice):
        return item.updated_at


SITEMAPS = {"catalogue": CatalogueSitemap, "practices": PracticeSitemap}


@public
def sitemap(request):
    return sitemap_view(request, sitemaps=SITEMAPS)

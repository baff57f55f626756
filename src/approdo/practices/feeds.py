"""Atom feed of the newest published practices."""

from django.contrib.syndication.views import Feed
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from approdo.core.decorators import public
from approdo.practices.models import Practice

FEED_SIZE = 50


class LatestPractices(Feed):
    feed_type = Atom1Feed
    title = _("Approdo: new good practices")
    subtitle = _("The good practices most recently published in the catalogue.")
    link = reverse_lazy("practices:catalogue")

    def items(self):
        return (
            Practice.objects.published()
            .select_related("lead_organization")
            .order_by("-published_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, item: Practice) -> str:
        return item.title

    def item_description(self, item: Practice) -> str:
        return item.summary

    def item_link(self, item: Practice) -> str:
        return reverse("practices:detail", kwargs={"code": item.code})

    def item_pubdate(self, item: Practice):
        return item.published_at

    def item_updateddate(self, item: Practice):
        return item.updated_at

    def item_author_name(self, item: Practice) -> str:
        return item.lead_organization.name


latest_practices = public(LatestPractices())

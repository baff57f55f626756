"""Admin for the territory. Boundaries are large: they are never loaded in lists or forms
(use `approdo load-boundaries` to change them)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from approdo.territory.models import (
    ASL,
    Comune,
    ComuneZona,
    Population,
    Province,
    Region,
    SocietaDellaSalute,
    UnioneComuni,
    Zona,
    has_boundary,
)


class BoundaryAdmin(admin.ModelAdmin):
    """Keeps the geometry out of queries and forms; shows whether a boundary is loaded."""

    exclude = ["geometry"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("geometry").annotate(has_boundary=has_boundary())

    @admin.display(boolean=True, description=_("boundary"))
    def boundary_loaded(self, obj) -> bool:
        return bool(getattr(obj, "has_boundary", False))


@admin.register(Region)
class RegionAdmin(BoundaryAdmin):
    list_display = ["code", "name", "boundary_loaded"]


@admin.register(ASL)
class ASLAdmin(BoundaryAdmin):
    list_display = ["name", "slug", "region", "boundary_loaded"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]


@admin.register(Province)
class ProvinceAdmin(BoundaryAdmin):
    list_display = [
        "name",
        "sigla",
        "istat_code",
        "capoluogo",
        "is_metropolitan_city",
        "prefettura",
        "boundary_loaded",
    ]
    list_filter = ["is_metropolitan_city"]
    search_fields = ["name", "sigla", "istat_code", "prefettura"]


class SocietaDellaSaluteInline(admin.TabularInline):
    model = SocietaDellaSalute
    extra = 0
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Zona)
class ZonaAdmin(BoundaryAdmin):
    list_display = ["name", "slug", "asl", "boundary_loaded"]
    list_filter = ["asl"]
    list_select_related = ["asl"]
    search_fields = ["name", "other_names", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SocietaDellaSaluteInline]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("asl__geometry")


@admin.register(SocietaDellaSalute)
class SocietaDellaSaluteAdmin(admin.ModelAdmin):
    list_display = ["name", "zona"]
    list_select_related = ["zona"]
    search_fields = ["name", "zona__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["zona"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("zona__geometry")


class ComuneZonaInline(admin.TabularInline):
    model = ComuneZona
    extra = 0
    autocomplete_fields = ["zona"]
    ordering = ["valid_from"]


class PopulationInline(admin.TabularInline):
    model = Population
    extra = 0
    ordering = ["-year"]


@admin.register(Comune)
class ComuneAdmin(BoundaryAdmin):
    list_display = ["name", "istat_code", "province", "cadastral_code", "boundary_loaded"]
    list_filter = ["province"]
    list_select_related = ["province"]
    search_fields = ["name", "istat_code", "cadastral_code"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ComuneZonaInline, PopulationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("province__geometry")


@admin.register(ComuneZona)
class ComuneZonaAdmin(admin.ModelAdmin):
    list_display = ["comune", "zona", "valid_from", "valid_to"]
    list_filter = ["zona__asl", "zona"]
    list_select_related = ["comune", "zona"]
    search_fields = ["comune__name", "comune__istat_code", "zona__name"]
    autocomplete_fields = ["comune", "zona"]
    date_hierarchy = "valid_from"

    def get_queryset(self, request):
        return super().get_queryset(request).defer("comune__geometry", "zona__geometry")


@admin.register(UnioneComuni)
class UnioneComuniAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["members"]


@admin.register(Population)
class PopulationAdmin(admin.ModelAdmin):
    list_display = ["comune", "year", "total"]
    list_filter = ["year"]
    list_select_related = ["comune"]
    search_fields = ["comune__name", "comune__istat_code"]
    autocomplete_fields = ["comune"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("comune__geometry")

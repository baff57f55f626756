"""The default taxonomies of DESIGN 4.1. Codes are stable; the labels here are the msgids the
catalogues translate (Italian first). Terms added by administrators keep the label they typed."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "orientamento_servizi": _("orientation to services"),
    "supporto_abitare": _("housing support and temporary reception"),
    "coesione_sociale": _("promotion of social cohesion"),
    "pronto_intervento": _("emergency social intervention"),
    "consulenza_legale": _("legal advice"),
    "accompagnamento_autonomia": _("support towards autonomy"),
    "formazione_lavoro": _("training and job placement"),
    "accesso_prestazioni": _("access to social, health and social-health services"),
    "lingua_italiana": _("Italian language"),
    "mediazione_culturale": _("cultural mediation"),
    "partecipazione": _("active citizenship"),
}

# Two levels: a group's children follow it; a project counts once for a group if it has any child.
TARGETS = {
    "richiedenti_asilo": (_("asylum seekers"), None),
    "titolari_protezione": (_("holders of international protection"), None),
    "cittadini_paesi_terzi": (_("third-country nationals"), None),
    "diniego_protezione": (
        _("persons after a denial of protection or with permits that give no access to SAI"),
        None,
    ),
    "msna": (_("unaccompanied foreign minors"), None),
    "marginalita": (_("people in marginality"), None),
    "disoccupati": (_("unemployed people"), "marginalita"),
    "vittime_sfruttamento": (_("victims of exploitation"), "marginalita"),
    "donne_vittime_violenza": (_("women victims of violence"), "marginalita"),
    "donne_sole_minori": (_("single women with minors"), "marginalita"),
    "senza_dimora": (_("homeless people"), "marginalita"),
    "disagio_psichico_dipendenze": (
        _("people with mental distress or addictions"),
        "marginalita",
    ),
}

# Funding sources of the good-practice questionnaire (choice list `fonti`). Practices and calls
# store the name as written (Italian); readers see it in their language when it is one of these.
FUNDING_SOURCES = {
    "fami": _("AMIF (Asylum, Migration and Integration Fund)"),
    "fse_plus": _("ESF+"),
    "altri_fondi_ue": _("Other EU funds"),
    "fondi_ministeriali": _("Ministry funds (not AMIF)"),
    "fondi_regionali": _("Regional funds"),
    "fondi_comunali": _("Municipal or zona funds"),
    "fondazioni": _("Banking or private foundations"),
    "fondi_propri": _("Own funds"),
    "fami_2014_2020": _("AMIF 2014-2020"),
    "fami_2021_2027": _("AMIF 2021-2027"),
}

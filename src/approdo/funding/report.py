"""The call report: the statistics of a call told as an analyst would, with their tables and
charts, and the same report as PDF, DOCX and XLSX.

Everything here reads one statistics dictionary (`funding.statistics.call_statistics`), the
one the API returns, and formats numbers with `reports.documents`, so the narrative, the
tables, the charts and the files state the same figures.
"""

from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext

from approdo.funding.models import Call
from approdo.funding.statistics import SECTORS, call_statistics, percent
from approdo.reports import documents
from approdo.reports.charts import Bar, bar_chart
from approdo.reports.documents import (
    AMOUNT,
    PERCENT,
    TEXT,
    Column,
    Report,
    Table,
    format_amount,
    format_count,
    format_percent,
)
from approdo.reports.suppression import threshold
from approdo.taxonomy.labels import funding_source_label

TOP_ACTIONS = 5  # the narrative names the most frequent actions; the table has them all
MARGINALITY = "marginalita"


def percent_phrase(value: Decimal) -> str:
    """A percentage as the subject or object of an Italian sentence takes it, article
    included ("il 92,5%", "l'80,0%", "l'11,0%"); other languages need no article."""
    text = format_percent(value)
    if translation.get_language() != "it":
        return text
    whole = int(value)
    elided = whole in (1, 11) or str(whole).startswith("8")  # uno, undici, otto, ottanta...
    return ("l'" if elided else "il ") + text


def join_items(items: list[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return gettext("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def narrative(stats: dict) -> list[str]:
    """The paragraphs of the report. A sentence whose figures are suppressed is left out
    (the tables show those figures as "n.d.")."""
    paragraphs = []
    applications, funded = stats["applications"], stats["funded"]
    if applications is not None and funded is not None:
        paragraphs.append(
            ngettext(
                "The call “%(title)s” received %(applications)s application and funded "
                "%(funded)s projects (%(percent)s).",
                "The call “%(title)s” received %(applications)s applications and funded "
                "%(funded)s projects (%(percent)s).",
                applications,
            )
            % {
                "title": stats["title"],
                "applications": format_count(applications),
                "funded": format_count(funded),
                "percent": format_percent(stats["funded_percent"]),
            }
        )
    if not funded:
        return paragraphs

    shown = [a for a in stats["actions"] if a["projects"]][:TOP_ACTIONS]
    if shown:
        first, *rest = shown
        items = [
            gettext("%(action)s (%(percent)s)")
            % {"action": first["label"], "percent": percent_phrase(first["percent"])}
        ] + [
            gettext("%(action)s (%(percent)s)")
            % {"action": a["label"], "percent": format_percent(a["percent"])}
            for a in rest
        ]
        paragraphs.append(
            gettext("The %(funded)s funded projects included actions of %(actions)s.")
            % {"funded": format_count(funded), "actions": join_items(items)}
        )

    sentences = []
    public, third = (stats["lead_sector"][s] for s in SECTORS)
    if public is not None and third is not None:
        sentences.append(
            gettext(
                "%(public)s projects were led by public bodies and %(third)s by third-sector "
                "organisations."
            )
            % {"public": format_count(public), "third": format_count(third)}
        )
    targets = {item["code"]: item for item in stats["targets"]}
    group = targets.get(MARGINALITY)
    if group and group["projects"]:
        values = {
            "count": format_count(group["projects"]),
            "group": group["label"],
            "percent": format_percent(group["percent"]),
        }
        children = sorted(
            (child for child in group["children"] if child["projects"]),
            key=lambda child: -child["projects"],
        )
        if children:
            values["children"] = join_items([child["label"] for child in children])
            text = gettext(
                "%(count)s addressed %(group)s (%(percent)s), in particular %(children)s."
            )
        else:
            text = gettext("%(count)s addressed %(group)s (%(percent)s).")
        sentences.append(text % values)
    others = sorted(
        (t for t in stats["targets"] if t["code"] != MARGINALITY and t["projects"]),
        key=lambda t: -t["percent"],
    )
    if others:
        first, *rest = others
        items = [
            gettext("%(percent)s of the projects named among their targets %(target)s")
            % {"percent": percent_phrase(first["percent"]), "target": first["label"]}
        ] + [
            gettext("%(percent)s %(target)s")
            % {"percent": percent_phrase(t["percent"]), "target": t["label"]}
            for t in rest
        ]
        sentences.append(capfirst(join_items(items)) + ".")
    if sentences:
        paragraphs.append(" ".join(sentences))

    amounts = stats["amounts"]
    paragraphs.append(
        gettext(
            "The funded projects were granted %(granted)s, against %(requested)s they "
            "requested (%(all_requested)s requested by all applications)."
        )
        % {
            "granted": format_amount(amounts["granted"]),
            "requested": format_amount(amounts["requested_funded"]),
            "all_requested": format_amount(amounts["requested"]),
        }
    )
    return paragraphs


def data_date(stats: dict) -> str:
    if stats["as_of"] is None:
        return gettext("no data yet")
    return formats.date_format(stats["as_of"], "DATE_FORMAT")


def _share_note(stats: dict, what: str) -> str:
    return gettext(
        "Projects: funded projects %(what)s (numerator). Percent: that number divided by the "
        "%(funded)s funded projects (denominator), with one decimal rounded half up. "
        "Data as of %(date)s."
    ) % {"what": what, "funded": format_count(stats["funded"]), "date": data_date(stats)}


def _bars(items: list[dict], group: str = "") -> list[Bar]:
    return [
        Bar(
            label=item["label"],
            value=None if item["percent"] is None else float(item["percent"]),
            text=format_percent(item["percent"]),
            group=group,
        )
        for item in items
    ]


def tables(stats: dict) -> list[Table]:
    """Every table of the report, each with its chart and its note."""
    projects = gettext("Projects")
    # xgettext:no-python-format
    share = gettext("% of funded projects")
    axis = share
    result = [
        Table(
            "overview",
            gettext("Applications and funded projects"),
            [
                Column(gettext("Figure"), TEXT),
                Column(gettext("Number")),
                Column(gettext("%"), PERCENT),
            ],
            [
                # Every application is 100% of the applications: a figure, never "n.d.".
                [
                    gettext("Applications received"),
                    stats["applications"],
                    percent(stats["applications"], stats["applications"]),
                ],
                [gettext("Funded projects"), stats["funded"], stats["funded_percent"]],
            ],
            note=gettext(
                "Applications: every project submitted to the call, withdrawn ones included. "
                "Percent: funded projects divided by applications. Data as of %(date)s."
            )
            % {"date": data_date(stats)},
        )
    ]
    for key, title, items, what in (
        (
            "lead-sector",
            gettext("Funded projects by sector of the lead organisation"),
            stats["lead_sectors"],
            gettext("whose lead organisation belongs to the sector"),
        ),
        (
            "actions",
            gettext("Funded projects by action"),
            stats["actions"],
            gettext("that include the action"),
        ),
    ):
        result.append(
            Table(
                key,
                title,
                [Column(gettext("Category"), TEXT), Column(projects), Column(share, PERCENT)],
                [[item["label"], item["projects"], item["percent"]] for item in items],
                note=_share_note(stats, what),
                chart=bar_chart(_bars(items), title=title, axis_title=axis, domain_max=100),
            )
        )
    target_rows, target_bars = [], []
    for item in stats["targets"]:
        target_rows.append([item["label"], item["projects"], item["percent"]])
        target_bars += _bars([item])
        for child in item["children"]:
            child_label = gettext("– of which: %(label)s") % {"label": child["label"]}
            target_rows.append([child_label, child["projects"], child["percent"]])
            target_bars += _bars([{**child, "label": child_label}])
    title = gettext("Funded projects by target group")
    result.append(
        Table(
            "targets",
            title,
            [Column(gettext("Target group"), TEXT), Column(projects), Column(share, PERCENT)],
            target_rows,
            note=_share_note(stats, gettext("that name the target group"))
            + " "
            + gettext(
                "A project counts once in a group when it names the group or any of its "
                "subgroups, so a group's figure is not the sum of its subgroups."
            ),
            chart=bar_chart(target_bars, title=title, axis_title=axis, domain_max=100),
        )
    )
    sector_names = [str(item["label"]) for item in stats["lead_sectors"]]
    title = gettext("Actions by sector of the lead organisation")
    cross_columns = [Column(gettext("Action"), TEXT)]
    for name in sector_names:
        cross_columns += [
            Column(gettext("%(sector)s: projects") % {"sector": name}),
            Column(gettext("%(sector)s: %%") % {"sector": name}, PERCENT),
        ]
    result.append(
        Table(
            "actions-by-sector",
            title,
            cross_columns,
            [
                [row["label"]]
                + [v for s in SECTORS for v in (row[s]["projects"], row[s]["percent"])]
                for row in stats["actions_by_lead_sector"]
            ],
            note=gettext(
                "Percent: funded projects of the sector that include the action, divided by "
                "the funded projects led by that sector (%(sectors)s), one decimal rounded "
                "half up. Data as of %(date)s."
            )
            % {
                "sectors": join_items(
                    [
                        f"{item['label']}: {format_count(item['projects'])}"
                        for item in stats["lead_sectors"]
                    ]
                ),
                "date": data_date(stats),
            },
            chart=bar_chart(
                [
                    bar
                    for s, name in zip(SECTORS, sector_names, strict=True)
                    for bar in _bars(
                        [
                            {**row[s], "label": row["label"]}
                            for row in stats["actions_by_lead_sector"]
                        ],
                        group=name,
                    )
                ],
                title=title,
                # xgettext:no-python-format
                axis_title=gettext("% of the sector's funded projects"),
                domain_max=100,
            ),
        )
    )
    title = gettext("Funded projects by zona distretto")
    result.append(
        Table(
            "zones",
            title,
            [
                Column(gettext("Zona distretto"), TEXT),
                Column(gettext("ASL"), TEXT),
                Column(projects),
                Column(share, PERCENT),
            ],
            [[z["name"], z["asl"], z["projects"], z["percent"]] for z in stats["zones"]],
            note=_share_note(stats, gettext("active in the zona (directly or through its comuni)"))
            + " "
            + gettext("A project active in several zone counts in each of them."),
        )
    )
    title = gettext("Funded projects by ASL")
    result.append(
        Table(
            "asl",
            title,
            [Column(gettext("ASL"), TEXT), Column(projects), Column(share, PERCENT)],
            [[a["name"], a["projects"], a["percent"]] for a in stats["asl"]],
            note=_share_note(stats, gettext("active in at least one zona of the ASL")),
            chart=bar_chart(_bars(stats["asl"]), title=title, axis_title=axis, domain_max=100),
        )
    )
    amounts = stats["amounts"]
    result.append(
        Table(
            "amounts",
            gettext("Amounts"),
            [Column(gettext("Amount"), TEXT), Column(gettext("Euro"), AMOUNT)],
            [
                [gettext("Requested by all applications"), amounts["requested"]],
                [gettext("Requested by the funded projects"), amounts["requested_funded"]],
                [gettext("Granted to the funded projects"), amounts["granted"]],
            ],
            note=gettext("Sums of the amounts recorded for each project. Data as of %(date)s.")
            % {"date": data_date(stats)},
        )
    )
    return result


def build_report(call: Call, *, public: bool) -> tuple[Report, dict]:
    """The report of `call` and the statistics it tells."""
    stats = call_statistics(call, public=public)
    notes = [
        gettext("Data as of %(date)s.") % {"date": data_date(stats)},
        gettext(
            "Percentages are shares of the funded projects, with one decimal, rounded half "
            "up on the exact fraction."
        ),
    ]
    if public:
        notes.append(
            gettext(
                "To protect privacy, figures below %(threshold)s are not published and read "
                "“n.d.”, together with any figure that would allow them to be calculated."
            )
            % {"threshold": threshold()}
        )
    report = Report(
        title=gettext("Report on the call “%(title)s”") % {"title": call.title},
        subtitle=funding_source_label(call.funding_source),
        paragraphs=narrative(stats),
        tables=tables(stats),
        notes=notes,
    )
    return report, stats


def report_pdf(report: Report, call: Call) -> bytes:
    html = render_to_string("funding/report/report_print.html", {"report": report, "call": call})
    css = documents.font_faces() + render_to_string("funding/report/report_print.css")
    return documents.write_pdf(html, css)

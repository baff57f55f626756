"""Pages of the working tables: a table with its questions and contributions (public for a
visible event), contributing before the event, recording statements at the table, hiding and
showing contributions again, editing a table and its questions, sharing participants among the
tables, and the groups of similar contributions.

Large tables: the table page shows, under each question, its latest LATEST_PER_QUESTION
contributions (in the order they were made) with a link to all of them; `?domanda=<order>`
shows one question's contributions, PER_PAGE a page. So the page reads a bounded number of
rows and makes a fixed number of queries, whatever the number of contributions.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch, Q, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from approdo.core.decorators import public
from approdo.funding.models import Project
from approdo.participation import contributions, permissions, similarity, tables
from approdo.participation.models import (
    Contribution,
    Event,
    Registration,
    SynthesisReport,
    WorkingTable,
)
from approdo.participation.table_forms import (
    ContributionForm,
    HideForm,
    MoveForm,
    ParticipantForm,
    QuestionsForm,
    TableForm,
)
from approdo.practices.models import Practice

LATEST_PER_QUESTION = 20
PER_PAGE = 50


# --- Helpers ---------------------------------------------------------------------------------


def _event(request, slug: str) -> Event:
    event = get_object_or_404(Event, slug=slug)
    if not permissions.can_see_event(request.user, event):
        raise Http404
    return event


def _table(request, slug: str, number: int) -> WorkingTable:
    table = get_object_or_404(
        WorkingTable.objects.select_related("event", "rapporteur"), event__slug=slug, number=number
    )
    if not permissions.can_see_event(request.user, table.event):
        raise Http404
    return table


def _managed_event(request, slug: str) -> Event:
    event = _event(request, slug)
    if not permissions.can_manage_event(request.user, event):
        raise PermissionDenied
    return event


def _url(name: str, table: WorkingTable, **query) -> str:
    url = reverse(
        f"participation:{name}", kwargs={"slug": table.event.slug, "number": table.number}
    )
    return f"{url}?{urlencode(query)}" if query else url


def _event_url(event: Event) -> str | None:
    """The event's page; None while that page is not mounted."""
    try:
        return event.get_absolute_url()
    except NoReverseMatch:
        return None


def _crumbs(event: Event, table: WorkingTable | None = None, *items) -> list:
    crumbs = [(event.title, _event_url(event))]
    if table is not None:
        crumbs.append((str(table), _url("table-detail", table)))
    return [*crumbs, *items]


def _contributions(viewer_is_organiser: bool):
    shown = Contribution.objects.select_related("question").prefetch_related(
        Prefetch("projects", queryset=Project.objects.select_related("call").order_by("title")),
        Prefetch("practices", queryset=Practice.objects.order_by("title")),
    )
    return shown if viewer_is_organiser else shown.filter(hidden_at__isnull=True)


def _decorate(items, request, event: Event, organiser: bool) -> list[Contribution]:
    """Set what the template shows of each contribution: its author (or not), tag labels and
    the link of each cited project (its page for those who may see it, else its call's)."""
    items = list(items)
    cited = {p.pk for c in items for p in c.projects.all()}
    readable = (
        set(
            Project.objects.visible_to(request.user)
            .filter(pk__in=cited)
            .values_list("pk", flat=True)
        )
        if cited and request.user.is_authenticated
        else set()
    )
    labels = dict(Contribution.Tag.choices)
    for contribution in items:
        contribution.author_shown = organiser or permissions.can_see_author(
            request.user, contribution, event
        )
        contribution.tag_labels = [labels[t] for t in contribution.tags if t in labels]
        for project in contribution.projects.all():
            project.link = (
                project.get_absolute_url()
                if project.pk in readable
                else reverse("funding:call-detail", kwargs={"slug": project.call.slug})
            )
    return items


# --- The table page --------------------------------------------------------------------------


@public
@require_safe
def table_detail(request, slug, number):
    table = _table(request, slug, number)
    event = table.event
    organiser = permissions.can_manage_event(request.user, event)
    questions = list(table.questions.order_by("order"))
    shown = _contributions(organiser).filter(question__table=table)
    wanted = request.GET.get("domanda", "")
    page = None
    if wanted:
        question = next((q for q in questions if str(q.order) == wanted), None)
        if question is None:
            raise Http404
        page = Paginator(shown.filter(question=question).order_by("created_at", "pk"), PER_PAGE)
        page = page.get_page(request.GET.get("pagina"))
        question.shown = _decorate(page.object_list, request, event, organiser)
        question.total = page.paginator.count
        questions = [question]
    else:
        latest = shown.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("question_id")],
                order_by=[F("created_at").desc(), F("pk").desc()],
            )
        ).filter(rank__lte=LATEST_PER_QUESTION)
        items = _decorate(latest, request, event, organiser)
        counts = dict(
            shown.order_by()
            .values_list("question")
            .annotate(n=Count("pk"))
            .values_list("question", "n")
        )
        for question in questions:
            question.shown = sorted(
                (c for c in items if c.question_id == question.pk),
                key=lambda c: (c.created_at, c.pk),
            )
            question.total = counts.get(question.pk, 0)
    participants = Registration.objects.filter(table=table, status=Registration.Status.REGISTERED)
    if not organiser:
        participants = participants.filter(listed=True)
    # Plain rows, not instances: a table of a large event seats hundreds of people.
    rows = participants.order_by("name", "pk").values_list(
        "name", "organization__name", "organization_name", "listed"
    )
    recorder = organiser or permissions.can_record_contributions(request.user, table)
    report = SynthesisReport.objects.filter(table=table).first()
    return render(
        request,
        "participation/table_detail.html",
        {
            "title": str(table),
            "table": table,
            "event": event,
            "questions": questions,
            "one_question": bool(wanted),
            "page": page,
            "latest": LATEST_PER_QUESTION,
            "participants": [(name, org or free, listed) for name, org, free, listed in rows],
            "organiser": organiser,
            "recorder": recorder,
            "report": report
            if report and permissions.can_see_report(request.user, report)
            else None,
            "writes_report": recorder
            and (report is None or permissions.can_write_report(request.user, report)),
            "before_open": event.status == Event.Status.PUBLISHED
            and timezone.now() < event.starts_at,
            "breadcrumbs": _crumbs(event, None, (str(table), None)),
        },
    )


# --- Contributing before the event -----------------------------------------------------------


def _registration_of(request, event: Event, token: str) -> Registration | None:
    holding = Registration.objects.filter(event=event, status=Registration.Status.REGISTERED)
    if token:
        return holding.select_related("organization").filter(token=token).first()
    if request.user.is_authenticated:
        return holding.select_related("organization").filter(user=request.user).first()
    return None


@public
@require_http_methods(["GET", "HEAD", "POST"])
def table_contribute(request, slug, number):
    table = _table(request, slug, number)
    event = table.event
    token = (request.POST.get("t") if request.method == "POST" else request.GET.get("t")) or ""
    registration = _registration_of(request, event, token[:64])
    allowed = registration is not None and contributions.can_contribute_before(registration, event)
    form = None
    if allowed:
        form = ContributionForm(request.POST or None, table=table)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                contributions.contribute_before(
                    registration=registration,
                    question=data["question"],
                    text=data["text"],
                    tags=data["tags"],
                    anonymous=data["anonymous"],
                    projects=data["projects"],
                    practices=data["practice_codes"],
                    table=table,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, gettext("Thank you: your contribution is saved."))
                query = {"t": token} if token else {}
                return HttpResponseRedirect(_url("table-contribute", table, **query))
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "participation/contribution_form.html",
        {
            "title": gettext("Contribute before the event"),
            "table": table,
            "event": event,
            "form": form,
            "participant": ParticipantForm(initial={"t": token}) if token else None,
            "registration": registration,
            "started": timezone.now() >= event.starts_at,
            "breadcrumbs": _crumbs(event, table, (_("Contribute"), None)),
        },
    )


# --- Recording at the table ------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def table_record(request, slug, number):
    table = _table(request, slug, number)
    if not permissions.can_record_contributions(request.user, table):
        raise PermissionDenied
    started = timezone.now() >= table.event.starts_at
    # The question just recorded, else the first one: the rapporteur types at once.
    kept = request.GET.get("domanda", "")
    questions = table.questions.order_by("order")
    question = questions.filter(pk=kept).first() if kept.isdigit() else None
    initial = {"question": question or questions.first()}
    form = ContributionForm(request.POST or None, table=table, recording=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contributions.record(
                table=table,
                question=data["question"],
                by=request.user,
                text=data["text"],
                speaker=data["speaker"],
                speaker_organization=data["speaker_organization"],
                anonymous=data["anonymous"],
                tags=data["tags"],
                projects=data["projects"],
                practices=data["practice_codes"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, gettext("Statement recorded."))
            return HttpResponseRedirect(_url("table-record", table, domanda=data["question"].pk))
    return render(
        request,
        "participation/table_record.html",
        {
            "title": gettext("Record statements"),
            "table": table,
            "event": table.event,
            "form": form,
            "started": started,
            "breadcrumbs": _crumbs(table.event, table, (_("Record statements"), None)),
        },
    )


# --- Hiding ----------------------------------------------------------------------------------


def _moderated(request, slug, number, pk) -> tuple[WorkingTable, Contribution]:
    table = _table(request, slug, number)
    if not permissions.can_moderate(request.user, table.event):
        raise PermissionDenied
    contribution = get_object_or_404(
        Contribution.objects.select_related("question"), pk=pk, question__table=table
    )
    contribution.question.table = table
    return table, contribution


@require_POST
def contribution_hide(request, slug, number, pk):
    table, contribution = _moderated(request, slug, number, pk)
    form = HideForm(request.POST)
    if form.is_valid():
        try:
            contributions.hide(contribution, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, gettext("The contribution is hidden."))
            return redirect(_url("table-detail", table) + f"#contributo-{contribution.pk}")
    return render(
        request,
        "participation/contribution_hide.html",
        {
            "title": gettext("Hide a contribution"),
            "table": table,
            "contribution": contribution,
            "form": form,
            "breadcrumbs": _crumbs(table.event, table, (_("Hide a contribution"), None)),
        },
        status=400,
    )


@require_POST
def contribution_unhide(request, slug, number, pk):
    table, contribution = _moderated(request, slug, number, pk)
    try:
        contributions.unhide(contribution, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, gettext("The contribution is shown again."))
    return redirect(_url("table-detail", table) + f"#contributo-{contribution.pk}")


# --- Organising tables -----------------------------------------------------------------------


def _table_initial(table: WorkingTable) -> dict:
    return {
        "number": table.number,
        "title": table.title,
        "description": table.description,
        "facilitator": table.facilitator,
        "rapporteur_email": table.rapporteur.email if table.rapporteur_id else "",
    }


@require_http_methods(["GET", "HEAD", "POST"])
def table_create(request, slug):
    event = _managed_event(request, slug)
    form = TableForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            table = tables.create_table(
                event=event,
                number=data["number"],
                title=data["title"],
                description=data["description"],
                facilitator=data["facilitator"],
                rapporteur=data["rapporteur_email"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, gettext("Table created: now add its guiding questions."))
            return redirect(_url("table-edit", table))
    return render(
        request,
        "participation/table_create.html",
        {
            "title": gettext("New working table"),
            "event": event,
            "form": form,
            "breadcrumbs": _crumbs(event, None, (_("New working table"), None)),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def table_edit(request, slug, number):
    table = _table(request, slug, number)
    if not permissions.can_manage_event(request.user, table.event):
        raise PermissionDenied
    part = request.POST.get("part") if request.method == "POST" else None
    form = TableForm(request.POST if part == "table" else None, initial=_table_initial(table))
    questions = QuestionsForm(request.POST if part == "questions" else None, table=table)
    if part == "table" and form.is_valid():
        data = form.cleaned_data
        try:
            tables.update_table(
                table,
                number=data["number"],
                title=data["title"],
                description=data["description"],
                facilitator=data["facilitator"],
                rapporteur=data["rapporteur_email"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, gettext("Table saved."))
            return redirect(_url("table-edit", table))
    if part == "questions" and questions.is_valid():
        try:
            _save_questions(table, questions, request.user)
        except ValidationError as error:
            questions.add_error(None, error)
        else:
            messages.success(request, gettext("Questions saved."))
            return redirect(_url("table-edit", table))
    return render(
        request,
        "participation/table_edit.html",
        {
            "title": gettext("Edit the table"),
            "table": table,
            "event": table.event,
            "form": form,
            "questions": questions,
            "breadcrumbs": _crumbs(table.event, table, (_("Edit"), None)),
        },
    )


def _save_questions(table: WorkingTable, form: QuestionsForm, user) -> None:
    by_pk = {q.pk: q for q in form.questions}
    for pk, text in form.texts().items():
        tables.edit_question(by_pk[pk], text=text, by=user)
    if form.questions:
        tables.reorder_questions(table, order=form.order(), by=user)
    new = form.cleaned_data["new_question"].strip()
    if new:
        tables.add_question(table, text=new, by=user)


@require_http_methods(["GET", "HEAD", "POST"])
def table_assign(request, slug):
    event = _managed_event(request, slug)
    if request.method == "POST":
        if request.POST.get("part") == "auto":
            try:
                counts = tables.assign_participants(event, by=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    gettext("Participants assigned to %(tables)s tables.")
                    % {"tables": len(counts)},
                )
        else:
            _move(request, event)
        return redirect("participation:table-assign", slug=event.slug)
    event_tables = list(
        event.tables.order_by("number").annotate(
            seated=Count(
                "participants", filter=Q(participants__status=Registration.Status.REGISTERED)
            )
        )
    )
    registrations = (
        Registration.objects.filter(event=event, status=Registration.Status.REGISTERED)
        .select_related("organization", "table", "preferred_table")
        .order_by("table__number", "name", "pk")
    )
    choices = [("", gettext("No table"))] + [(t.pk, str(t)) for t in event_tables]
    return render(
        request,
        "participation/table_assign.html",
        {
            "title": gettext("Participants at the tables"),
            "event": event,
            "tables": event_tables,
            "registrations": registrations,
            "choices": choices,
            "room": tables.room_per_table(registrations.count(), len(event_tables)),
            "breadcrumbs": _crumbs(event, None, (_("Participants at the tables"), None)),
        },
    )


def _move(request, event: Event) -> None:
    form = MoveForm(request.POST, event=event)
    if not form.is_valid():
        messages.error(request, gettext("Choose a table of this event."))
        return
    registration = get_object_or_404(
        Registration.objects.select_related("event"),
        pk=form.cleaned_data["registration"],
        event=event,
    )
    try:
        tables.move_registration(registration, table=form.cleaned_data["table"], by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, gettext("%(name)s moved.") % {"name": registration.name})


# --- Groups of similar contributions ---------------------------------------------------------


@require_safe
def table_groups(request, slug, number):
    table = _table(request, slug, number)
    if not permissions.can_record_contributions(request.user, table):
        raise PermissionDenied
    questions = list(table.questions.order_by("order"))
    wanted = request.GET.get("domanda", "")
    question = next((q for q in questions if str(q.order) == wanted), None)
    if wanted and question is None:
        raise Http404
    grouping = similarity.table_groups(table, question)
    return render(
        request,
        "participation/table_groups.html",
        {
            "title": gettext("Similar contributions"),
            "table": table,
            "event": table.event,
            "questions": questions,
            "question": question,
            "grouping": grouping,
            "threshold": similarity.THRESHOLD,
            "breadcrumbs": _crumbs(table.event, table, (_("Similar contributions"), None)),
        },
    )

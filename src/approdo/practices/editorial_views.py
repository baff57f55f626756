"""Editorial pages (coordinators and regional staff change, analysts read, others 403) and
the public contact and update-report forms of a published practice.

Every check of who may do what is in practices/permissions.py."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from approdo.core import client
from approdo.core.decorators import public
from approdo.core.models import HistoryEntry
from approdo.practices import actions
from approdo.practices import permissions as rules
from approdo.practices.forms import (
    AssessmentForm,
    AttachmentForm,
    ListFilterForm,
    MappingCopyForm,
    MappingForm,
    PracticeForm,
    PracticeMessageForm,
    ReconfirmForm,
    TranslationsForm,
)
from approdo.practices.models import (
    FieldMapping,
    Practice,
    PracticeAssessment,
    UpdateReport,
    confirmation_limit,
)
from approdo.surveys.models import Questionnaire, SurveyResponse
from approdo.surveys.xlsform import walk

PAGE_SIZE = 25
QUESTION_TYPES = actions.MAPPED_TYPES


def _history(obj):
    return HistoryEntry.objects.for_object(obj).select_related("actor")


def _list_crumb() -> tuple[str, str]:
    return (_("Good practices: editorial"), reverse("practices:editorial-list"))


def _practice_crumbs(practice: Practice, *last) -> list:
    url = reverse("practices:editorial-detail", args=[practice.code])
    return [_list_crumb(), (practice.title, url if last else None), *last]


def _practice(user, code: str) -> Practice:
    return get_object_or_404(
        rules.editorial_practices(user).select_related("lead_organization"), code=code
    )


@require_safe
def editorial_list(request):
    rules.check_can_read_editorial(request.user)
    form = ListFilterForm(request.GET or None)
    practices = rules.editorial_practices(request.user).select_related("lead_organization")
    state, query = "", ""
    if form.is_valid():
        state, query = form.cleaned_data["state"], form.cleaned_data["q"].strip()
    if state == "draft":
        practices = practices.drafts()
    elif state == "published":
        practices = practices.published()
    elif state == "reconfirm":
        practices = practices.to_reconfirm()
    if query:
        practices = practices.filter(Q(title__icontains=query) | Q(code__icontains=query))
    practices = practices.annotate(
        open_reports=Count("update_reports", filter=Q(update_reports__handled_at__isnull=True))
    ).order_by("-updated_at", "pk")
    page = Paginator(practices, PAGE_SIZE).get_page(request.GET.get("page"))
    all_practices = rules.editorial_practices(request.user)
    context = {
        "form": form,
        "page": page,
        "query_string": _without_page(request),
        "counts": {
            "all": all_practices.count(),
            "draft": all_practices.drafts().count(),
            "published": all_practices.published().count(),
            "reconfirm": all_practices.to_reconfirm().count(),
        },
        "limit": confirmation_limit(),
        "can_edit": rules.can_edit(request.user),
        "breadcrumbs": [(_("Good practices: editorial"), None)],
    }
    return render(request, "practices/editorial/practice_list.html", context)


def _without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@require_safe
def editorial_detail(request, code):
    rules.check_can_read_editorial(request.user)
    practice = _practice(request.user, code)
    context = {
        "practice": practice,
        "assessment": PracticeAssessment.objects.filter(practice=practice).first(),
        "relations": {
            name: list(getattr(practice, name).all())
            for name in ("partners", "zone", "comuni", "actions", "targets")
        },
        "beneficiaries": list(practice.beneficiary_counts.all()),
        "translations": list(practice.translations.all()),
        "attachments": list(practice.attachments.all()),
        "reports": list(practice.update_reports.all()),
        "requests": list(practice.reconfirmation_requests.select_related("campaign")),
        "messages_count": practice.contact_messages.count(),
        "attachment_form": AttachmentForm(),
        "history": _history(practice),
        "can_edit": rules.can_edit(request.user),
        "breadcrumbs": _practice_crumbs(practice),
    }
    return render(request, "practices/editorial/practice_detail.html", context)


@require_http_methods(["GET", "POST"])
def editorial_create(request):
    rules.check_can_edit(request.user)
    form = PracticeForm(request.POST or None, request.FILES or None)
    translations = TranslationsForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and translations.is_valid():
        data, relations, beneficiaries = form.values()
        practice = actions.create_practice(
            by=request.user, data=data, relations=relations, beneficiaries=beneficiaries
        )
        actions.save_translations(practice, by=request.user, texts=translations.texts())
        messages.success(request, _("Practice saved as a draft."))
        return redirect("practices:editorial-detail", code=practice.code)
    context = {
        "form": form,
        "translations": translations,
        "breadcrumbs": [_list_crumb(), (_("New practice"), None)],
    }
    return render(request, "practices/editorial/practice_form.html", context)


@require_http_methods(["GET", "POST"])
def editorial_edit(request, code):
    rules.check_can_edit(request.user)
    practice = _practice(request.user, code)
    form = PracticeForm(request.POST or None, request.FILES or None, instance=practice)
    translations = TranslationsForm(request.POST or None, practice=practice)
    if request.method == "POST" and form.is_valid() and translations.is_valid():
        data, relations, beneficiaries = form.values()
        actions.update_practice(
            practice, by=request.user, data=data, relations=relations, beneficiaries=beneficiaries
        )
        actions.save_translations(practice, by=request.user, texts=translations.texts())
        messages.success(request, _("Changes saved."))
        return redirect("practices:editorial-detail", code=practice.code)
    context = {
        "form": form,
        "translations": translations,
        "practice": practice,
        "breadcrumbs": _practice_crumbs(practice, (_("Edit"), None)),
    }
    return render(request, "practices/editorial/practice_form.html", context)


@require_http_methods(["GET", "POST"])
def editorial_assessment(request, code):
    rules.check_can_edit(request.user)
    practice = _practice(request.user, code)
    assessment = PracticeAssessment.objects.filter(practice=practice).first()
    form = AssessmentForm(request.POST or None, instance=assessment)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        assessment = actions.assess_practice(practice, by=request.user, values=values)
        messages.success(request, _("Criteria checklist saved."))
        return redirect("practices:editorial-detail", code=practice.code)
    context = {
        "form": form,
        "practice": practice,
        "assessment": assessment,
        "breadcrumbs": _practice_crumbs(practice, (_("Criteria checklist"), None)),
    }
    return render(request, "practices/editorial/practice_assessment.html", context)


@require_POST
def editorial_publish(request, code):
    rules.check_can_edit(request.user)
    practice = _practice(request.user, code)
    try:
        actions.publish_practice(practice, by=request.user)
    except actions.PracticeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Practice published in the public catalogue."))
    return redirect("practices:editorial-detail", code=practice.code)


@require_POST
def editorial_unpublish(request, code):
    rules.check_can_edit(request.user)
    practice = _practice(request.user, code)
    actions.unpublish_practice(practice, by=request.user)
    messages.success(request, _("Practice withdrawn from the public catalogue."))
    return redirect("practices:editorial-detail", code=practice.code)


@require_POST
def editorial_confirm(request, code):
    rules.check_can_edit(request.user)
    practice = _practice(request.user, code)
    actions.confirm_practice(practice, by=request.user)
    messages.success(request, _("Practice marked as confirmed today."))
    return redirect("practices:editorial-detail", code=practice.code)


@require_POST
def editorial_attachment_add(request, code):
    rules.check_can_edit(request.user)
    practice = _practice(request.user, code)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        actions.add_attachment(
            practice,
            by=request.user,
            title=form.cleaned_data["title"],
            file=form.cleaned_data["file"],
        )
        messages.success(request, _("Attachment added."))
    else:
        errors = [error for errors in form.errors.values() for error in errors]
        messages.error(request, " ".join(errors))
    return redirect("practices:editorial-detail", code=practice.code)


@require_POST
def editorial_attachment_remove(request, code, pk):
    rules.check_can_edit(request.user)
    attachment = rules.attachment_for(request.user, code, pk)
    actions.remove_attachment(attachment, by=request.user)
    messages.success(request, _("Attachment removed."))
    return redirect("practices:editorial-detail", code=code)


@require_POST
def reconfirmation_request(request):
    rules.check_can_edit(request.user)
    form = ReconfirmForm(request.POST)
    form.fields["practices"].queryset = rules.editorial_practices(request.user)
    if not form.is_valid():
        messages.error(request, _("Choose at least one practice."))
        return redirect(f"{reverse('practices:editorial-list')}?state=reconfirm")
    practices = list(form.cleaned_data["practices"].select_related("lead_organization"))
    campaign = actions.request_reconfirmation(practices, by=request.user)
    messages.success(
        request,
        _("Re-confirmation requested for %(count)s practices in the campaign “%(campaign)s”.")
        % {"count": len(practices), "campaign": campaign.title},
    )
    return redirect(f"{reverse('practices:editorial-list')}?state=reconfirm")


@require_POST
def confirmations_apply(request):
    rules.check_can_edit(request.user)
    confirmed = actions.apply_confirmations(by=request.user)
    messages.success(
        request,
        _("%(count)s practices confirmed from the validated confirmation responses.")
        % {"count": len(confirmed)},
    )
    return redirect("practices:editorial-list")


@require_safe
def update_report_list(request):
    rules.check_can_read_editorial(request.user)
    reports = UpdateReport.objects.select_related("practice", "handled_by").order_by(
        "handled_at", "-created_at"
    )
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "can_edit": rules.can_edit(request.user),
        "breadcrumbs": [_list_crumb(), (_("Update reports"), None)],
    }
    return render(request, "practices/editorial/update_report_list.html", context)


@require_POST
def update_report_handle(request, pk):
    rules.check_can_edit(request.user)
    report = get_object_or_404(UpdateReport, pk=pk)
    actions.handle_update_report(report, by=request.user)
    messages.success(request, _("Report marked as handled."))
    return redirect("practices:update-report-list")


# --- From responses to practices ------------------------------------------------------


def _questions(questionnaire: Questionnaire) -> list[tuple[str, str]]:
    """(name, label) of the questions of the questionnaire's latest version."""
    version = questionnaire.versions.order_by("-number").first()
    if version is None:
        return []
    language = version.schema.get("default_language") or ""
    questions = []
    for element in walk(version.schema.get("children", [])):
        if element.get("type") in QUESTION_TYPES:
            labels = element.get("labels") or {}
            label = labels.get(language) or next(iter(labels.values()), element["name"])
            questions.append((element["name"], label))
    return questions


@require_safe
def mapping_list(request):
    rules.check_can_read_editorial(request.user)
    questionnaires = Questionnaire.objects.order_by("title").select_related("practice_mapping")
    mapped = {m.questionnaire_id for m in FieldMapping.objects.all()}
    responses = (
        SurveyResponse.objects.filter(
            status=SurveyResponse.Status.VALIDATED, version__questionnaire_id__in=mapped
        )
        .select_related("organization", "campaign")
        .annotate(practice_count=Count("practices"))
        .order_by("-submitted_at", "pk")
    )
    practices = {
        p.source_response_id: p
        for p in Practice.objects.filter(source_response__in=responses).only(
            "code", "title", "source_response_id"
        )
    }
    context = {
        "questionnaires": [(q, q.pk in mapped) for q in questionnaires],
        "responses": [(r, practices.get(r.pk)) for r in responses],
        "can_edit": rules.can_edit(request.user),
        "breadcrumbs": [_list_crumb(), (_("From responses to practices"), None)],
    }
    return render(request, "practices/editorial/mapping_list.html", context)


@require_http_methods(["GET", "POST"])
def mapping_edit(request, slug):
    rules.check_can_edit(request.user)
    questionnaire = get_object_or_404(Questionnaire, slug=slug)
    mapping = FieldMapping.objects.filter(questionnaire=questionnaire).first()
    form = MappingForm(request.POST or None, questions=_questions(questionnaire), mapping=mapping)
    if request.method == "POST" and form.is_valid():
        actions.save_mapping(
            questionnaire,
            by=request.user,
            consent_question=form.cleaned_data["consent_question"],
            rules=form.rules(),
        )
        messages.success(request, _("Field mapping saved."))
        return redirect("practices:mapping-list")
    version = questionnaire.versions.order_by("-number").first()
    context = {
        "form": form,
        "questionnaire": questionnaire,
        # Rules for questions the latest version no longer has are dropped when saving.
        "unmatched": mapping.unmatched_in(version.schema) if mapping and version else [],
        "breadcrumbs": [
            _list_crumb(),
            (_("From responses to practices"), reverse("practices:mapping-list")),
            (questionnaire.title, None),
        ],
    }
    return render(request, "practices/editorial/mapping_form.html", context)


def response_panel(request, response: SurveyResponse) -> str:
    """The "practice draft" section of a response's review page (registered with
    surveys.review_panels): the practice made from it, or the button that makes one from a
    validated response, or why it cannot (no mapping, no consent to publish)."""
    if not rules.can_read_editorial(request.user):
        return ""
    practice = Practice.objects.filter(source_response=response).only("code", "title").first()
    if practice is None and response.status != SurveyResponse.Status.VALIDATED:
        return ""
    mapping = FieldMapping.objects.filter(
        questionnaire_id=response.version.questionnaire_id
    ).first()
    context = {
        "response": response,
        "practice": practice,
        "questionnaire": response.version.questionnaire,
        "mapping": mapping,
        "consented": mapping is not None
        and actions.consented_parts(mapping, response.answers or {}) is not None,
        "unmatched": mapping.unmatched_in(response.version.schema) if mapping else [],
        "can_edit": rules.can_edit(request.user),
    }
    return render_to_string("practices/editorial/_response_panel.html", context, request)


def _latest_version(questionnaire: Questionnaire):
    version = questionnaire.versions.order_by("-number").first()
    if version is None:
        raise Http404
    return version


@require_http_methods(["GET", "POST"])
def mapping_copy(request, slug):
    """Copy another questionnaire's field mapping onto this one, question by question name;
    a GET with `source` previews the copy and lists the fields that do not match."""
    rules.check_can_edit(request.user)
    questionnaire = get_object_or_404(Questionnaire, slug=slug)
    version = _latest_version(questionnaire)
    data = request.POST if request.method == "POST" else request.GET
    form = MappingCopyForm(data if "source" in data else None, questionnaire=questionnaire)
    plan = None
    if form.is_valid():
        source = form.cleaned_data["source"]
        if request.method == "POST":
            plan = actions.copy_mapping(
                questionnaire, source=source, schema=version.schema, by=request.user
            )
            _report_mapping_copy(request, source, plan)
            return redirect("practices:mapping-edit", slug=questionnaire.slug)
        current = FieldMapping.objects.filter(questionnaire=questionnaire).first()
        plan = actions.plan_mapping_copy(source, version.schema, current)
    context = {
        "form": form,
        "plan": plan,
        "questionnaire": questionnaire,
        "version": version,
        "source": form.cleaned_data["source"] if plan else None,
        "rows": [
            (r["question"], MappingForm.FIELD_LABELS.get(r["field"], r["field"]), r.get("requires"))
            for r in (plan.rules if plan else [])
        ],
        "has_sources": form.fields["source"].queryset.exists(),
        "breadcrumbs": [
            _list_crumb(),
            (_("From responses to practices"), reverse("practices:mapping-list")),
            (questionnaire.title, reverse("practices:mapping-edit", args=[questionnaire.slug])),
            (_("Copy a mapping"), None),
        ],
    }
    status = 422 if form.errors else 200
    return render(request, "practices/editorial/mapping_copy.html", context, status=status)


def _report_mapping_copy(request, source: FieldMapping, plan: actions.MappingCopy) -> None:
    messages.success(
        request,
        _("Field mapping copied from “%(title)s”: %(count)s rules.")
        % {"title": source.questionnaire.title, "count": len(plan.rules)},
    )
    if plan.unmatched:
        messages.warning(
            request,
            _("Not found in this questionnaire, so not copied: %(names)s.")
            % {"names": ", ".join(plan.unmatched)},
        )
    if not plan.consent_question:
        messages.warning(request, _("Choose the consent question before using the mapping."))


@require_POST
def practice_from_response(request, instance_id):
    rules.check_can_edit(request.user)
    response = get_object_or_404(
        SurveyResponse.objects.reviewable_by(request.user).select_related(
            "version", "organization"
        ),
        instance_id=instance_id,
    )
    try:
        practice, created = actions.create_practice_from_response(response, by=request.user)
    except actions.PracticeError as error:
        messages.error(request, error.message)
        if request.POST.get("back") == "review":
            return redirect("surveys:review-detail", instance_id=response.instance_id)
        return redirect("practices:mapping-list")
    if created:
        messages.success(request, _("Draft practice created from the response."))
    else:
        messages.info(request, _("This response had already become a practice."))
    return redirect("practices:editorial-detail", code=practice.code)


# --- Public: attachments, contact, update reports -------------------------------------


@public
@require_safe
def attachment_download(request, code, pk):
    attachment = rules.attachment_for(request.user, code, pk)
    name = attachment.file.name.rsplit("/", 1)[-1]
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=name)


def _public_crumbs(practice: Practice, last: str) -> list:
    return [
        (_("Good practices"), _catalogue_url()),
        (practice.title, _practice_url(practice)),
        (last, None),
    ]


def _catalogue_url() -> str | None:
    try:
        return reverse("practices:catalogue")
    except NoReverseMatch:  # the catalogue pages are built separately
        return None


def _practice_url(practice: Practice) -> str | None:
    try:
        return reverse("practices:detail", kwargs={"code": practice.code})
    except NoReverseMatch:
        return None


@public
@require_http_methods(["GET", "POST"])
def practice_write(request, code, kind):
    """Write to a published practice's contact or report an update to the editorial staff:
    one form, whose choice `kind` is preset by the address it was reached by."""
    practice = rules.public_practice(code)
    can_contact = bool(practice.contact_address)
    if kind == PracticeMessageForm.CONTACT and not can_contact:
        raise Http404  # nobody to write to: the practice page offers no contact either
    form = PracticeMessageForm(request.POST or None, preset=kind, can_contact=can_contact)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            done = _send_practice_message(practice, form.cleaned_data, client.client_hash(request))
        except actions.PracticeError as error:
            form.add_error(None, error.message)
            status = 429
        else:
            messages.success(request, done)
            return redirect(_practice_url(practice) or request.path)
    contact = kind == PracticeMessageForm.CONTACT
    title = _("Contact the project") if contact else _("Report an update")
    context = {
        "practice": practice,
        "form": form,
        "title": title,
        "can_contact": can_contact,
        "practice_url": _practice_url(practice),
        "breadcrumbs": _public_crumbs(practice, title),
    }
    return render(request, "practices/practice_message_form.html", context, status=status)


def _send_practice_message(practice: Practice, data: dict, ip_hash: str) -> str:
    """Call the action the reader chose with the form's values; return what to tell them."""
    if data["kind"] == PracticeMessageForm.CONTACT:
        actions.relay_contact_message(
            practice, name=data["name"], email=data["email"], body=data["body"], ip_hash=ip_hash
        )
        return _("Message sent. The project will answer you by e-mail.")
    actions.report_update(practice, body=data["body"], email=data["email"], ip_hash=ip_hash)
    return _("Thank you: the editorial staff will check your report.")

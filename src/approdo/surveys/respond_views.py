"""Pages where an organisation fills in a questionnaire, submits it and gets its receipt."""

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from approdo.organizations import permissions
from approdo.surveys import actions, receipts, rendering
from approdo.surveys.manage_forms import CommentForm
from approdo.surveys.models import Campaign, SurveyResponse
from approdo.surveys.respond_forms import ResponseForm

MEMBER_ROLES = frozenset({permissions.ORG_MANAGER, permissions.ORG_MEMBER})
FORM_TEMPLATE = "surveys/respond/response_form.html"


def _responses():
    return SurveyResponse.objects.select_related("campaign", "organization", "version")


def _own_response(request, instance_id) -> SurveyResponse:
    """A response of one of the user's organisations (members only), else 404."""
    organizations = permissions.organization_ids_of(request.user, MEMBER_ROLES)
    queryset = _responses().filter(organization_id__in=organizations)
    return get_object_or_404(queryset, instance_id=instance_id)


def _visible_response(request, instance_id, *, drafts: bool = True) -> SurveyResponse:
    queryset = _responses().visible_to(request.user)
    if not drafts:
        queryset = queryset.exclude(status=SurveyResponse.Status.DRAFT)
    return get_object_or_404(queryset, instance_id=instance_id)


def _breadcrumbs(response=None):
    crumbs = [(_("Questionnaires"), reverse("surveys:campaign-list-mine"))]
    return crumbs + ([(response.campaign.title, None)] if response else [])


def _render_form(request, form: ResponseForm, status: int = 200):
    context = form.context() | {"breadcrumbs": _breadcrumbs(form.response)}
    template = FORM_TEMPLATE + ("#form-body" if request.htmx else "")
    return render(request, template, context, status=status)


@require_GET
def campaign_list_mine(request):
    organizations = list(permissions.organizations_of(request.user, MEMBER_ROLES))
    rows = rendering.campaign_rows(request.user, organizations)
    context = {"rows": rows, "organizations": organizations, "breadcrumbs": _breadcrumbs()}
    return render(request, "surveys/respond/campaign_list_mine.html", context)


@require_POST
def response_start(request, slug):
    campaign = get_object_or_404(Campaign.objects.open_at(), slug=slug)
    organizations = permissions.organizations_of(request.user, MEMBER_ROLES)
    chosen = request.POST.get("organization", "")
    organization = get_object_or_404(organizations, pk=int(chosen) if chosen.isdigit() else 0)
    try:
        response = actions.start_response(campaign, organization=organization, by=request.user)
    except actions.SurveyError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("surveys:campaign-list-mine")
    return redirect("surveys:response-edit", instance_id=response.instance_id)


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def response_edit(request, instance_id):
    response = _own_response(request, instance_id)
    params = request.POST if request.method == "POST" else request.GET
    form = ResponseForm(response, lang=params.get("lang"), page=params.get("page"))
    if request.method == "POST":
        form.post(request.POST, request.FILES, by=request.user)
        if not request.htmx and not (form.errors or form.conflict_at or form.problem):
            messages.success(request, _("Your answers have been saved."))
            url = reverse("surveys:response-edit", kwargs={"instance_id": instance_id})
            lang = form.language.code if form.language else ""
            return redirect(f"{url}?page={form.page_number}&lang={lang}")
    return _render_form(request, form)


@vary_on_headers("HX-Request")
@require_POST
def response_submit(request, instance_id):
    response = _own_response(request, instance_id)
    receipt = reverse("surveys:response-receipt", kwargs={"instance_id": instance_id})
    if not response.is_editable:  # sent twice: the first one went through
        return HttpResponseClientRedirect(receipt) if request.htmx else redirect(receipt)
    form = ResponseForm(response, lang=request.POST.get("lang"), page=request.POST.get("page"))
    form.post(request.POST, request.FILES, by=request.user, action="save")
    submitted = form.submit(by=request.user)
    if submitted is None:
        return _render_form(request, form)
    messages.success(request, _("The questionnaire has been submitted."))
    return HttpResponseClientRedirect(receipt) if request.htmx else redirect(receipt)


@require_GET
def response_receipt(request, instance_id):
    response = _visible_response(request, instance_id, drafts=False)
    context = receipts.receipt_context(response, request.GET.get("lang"))
    context["breadcrumbs"] = _breadcrumbs(response)
    return render(request, "surveys/respond/receipt.html", context)


@require_GET
def response_receipt_pdf(request, instance_id):
    response = _visible_response(request, instance_id, drafts=False)
    pdf = receipts.receipt_pdf(response, request.GET.get("lang"))
    if pdf is None:
        raise Http404(_("The PDF copy is not available on this server."))
    answer = HttpResponse(pdf, content_type="application/pdf")
    answer["Content-Disposition"] = f'inline; filename="ricevuta-{instance_id}.pdf"'
    return answer


@require_GET
def response_detail(request, instance_id):
    response = _visible_response(request, instance_id)
    context = receipts.receipt_context(response, request.GET.get("lang"))
    context["breadcrumbs"] = _breadcrumbs(response)
    context["can_edit"] = response.organization_id in permissions.organization_ids_of(
        request.user, MEMBER_ROLES
    )
    # The organisation reads the reviewers' comments here and answers them.
    context["comments"] = response.comments.select_related("author")
    context["comment_form"] = CommentForm() if context["can_edit"] else None
    return render(request, "surveys/respond/response_detail.html", context)


@require_GET
def response_file(request, instance_id, name):
    response = _visible_response(request, instance_id)
    stored = f"surveys/responses/{response.instance_id}/{name}"
    if stored not in rendering.uploaded_files(response.answers) or not default_storage.exists(
        stored
    ):
        raise Http404(_("No such file."))
    return FileResponse(
        default_storage.open(stored), as_attachment=True, filename=rendering.display_name(stored)
    )

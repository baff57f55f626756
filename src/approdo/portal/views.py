import datetime

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from approdo.core import client
from approdo.core.decorators import public
from approdo.core.models import HistoryEntry
from approdo.organizations import permissions
from approdo.organizations.models import Invitation, Organization
from approdo.portal import actions
from approdo.portal.forms import FeedbackForm
from approdo.portal.models import FeedbackReport
from approdo.surveys.rendering import campaign_rows
from approdo.territory.models import ASL, Comune, Zona

MEMBER_ROLES = frozenset({permissions.ORG_MANAGER, permissions.ORG_MEMBER})


@public
def home(request):
    user = request.user
    if not user.is_authenticated:
        return render(request, "portal/home_public.html", public_figures())
    if permissions.can_read_everything(user):
        return render(request, "portal/home_coordinator.html", coordinator_figures(user))
    zona_ids, asl_ids = permissions.territory_scope(user)
    context = {
        "organizations": permissions.organizations_of(user).annotate(
            member_count=Count("memberships")
        ),
        "questionnaires": waiting_questionnaires(user),
        "zone": Zona.objects.filter(pk__in=zona_ids).select_related("asl"),
        "asls": ASL.objects.filter(pk__in=asl_ids),
    }
    return render(request, "portal/home_organization.html", context)


def waiting_questionnaires(user) -> list:
    """The open questionnaires addressed to the user's organisations (as manager or member),
    nearest deadline first, each with the organisation's responses, latest first."""
    organizations = list(permissions.organizations_of(user, MEMBER_ROLES))
    rows = [row for row in campaign_rows(user, organizations) if row.is_open]
    far = timezone.now() + datetime.timedelta(days=36500)
    rows.sort(key=lambda row: (row.campaign.closes_at or far, row.campaign.title))
    return rows


def public_figures() -> dict:
    return {
        "comuni_count": Comune.objects.count(),
        "zone_count": Zona.objects.count(),
        "asl_count": ASL.objects.count(),
        "organization_count": Organization.objects.count(),
    }


def coordinator_figures(user) -> dict:
    by_kind = dict(Organization.objects.values_list("kind").annotate(n=Count("pk")).order_by())
    public_count = sum(n for kind, n in by_kind.items() if kind in Organization.PUBLIC_KINDS)
    return {
        "organization_count": sum(by_kind.values()),
        "public_count": public_count,
        "third_sector_count": sum(by_kind.values()) - public_count,
        "pending_invitations": Invitation.objects.filter(accepted_at__isnull=True).count(),
        "open_feedback": FeedbackReport.objects.filter(answered_at__isnull=True).count(),
        "recent_changes": HistoryEntry.objects.select_related("actor", "content_type")[:10],
        "can_see_feedback": permissions.is_regional(user),
    }


@public
def privacy(request):
    return render(request, "portal/privacy.html", {"breadcrumbs": [(_("Privacy"), None)]})


@public
def legal(request):
    return render(request, "portal/legal.html", {"breadcrumbs": [(_("Legal notes"), None)]})


@public
@require_http_methods(["GET", "POST"])
def feedback(request):
    form = FeedbackForm(request.POST or None, initial={"page_url": request.GET.get("page", "")})
    status = 200
    if request.method == "POST" and form.is_valid():
        report = form.save(commit=False)
        report.language = get_language() or ""
        report.user = request.user if request.user.is_authenticated else None
        try:
            actions.submit_feedback(report, ip_hash=client.client_hash(request))
        except actions.TooManyReports as error:
            form.add_error(None, error.message)
            status = 429
        else:
            messages.success(
                request, _("Thank you: your report was received. We answer within 30 days.")
            )
            return redirect("portal:home")
    context = {"form": form, "breadcrumbs": [(_("Report a problem"), None)]}
    return render(request, "portal/feedback_form.html", context, status=status)


@require_http_methods(["GET"])
def feedback_list(request):
    if not permissions.is_regional(request.user):
        return error_403(request)
    reports = FeedbackReport.objects.select_related("user")[:200]
    context = {
        "reports": reports,
        "breadcrumbs": [(_("Reports from readers"), None)],
    }
    return render(request, "portal/feedback_list.html", context)


@public
def error_403(request, exception=None):
    context = {"breadcrumbs": [(_("Access denied"), None)]}
    return render(request, "403.html", context, status=403)


@public
def error_404(request, exception=None):
    context = {"breadcrumbs": [(_("Page not found"), None)]}
    return render(request, "404.html", context, status=404)


@public
def error_500(request):
    return render(request, "500.html", status=500)

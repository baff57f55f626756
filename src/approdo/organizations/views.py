from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from approdo.core.decorators import public
from approdo.core.models import HistoryEntry
from approdo.organizations import actions, permissions
from approdo.organizations.forms import (
    ChangeRequestDecisionForm,
    ChangeRequestForm,
    InviteForm,
    NewAccountForm,
    OrganizationFilterForm,
    OrganizationForm,
    RoleScopeForm,
)
from approdo.organizations.models import ChangeRequest, Invitation, Membership, Organization, User

PAGE_SIZE = 25


def _organizations_crumb() -> tuple[str, str]:
    return (_("Organisations"), reverse("organizations:organization-list"))


@require_safe
def organization_list(request):
    form = OrganizationFilterForm(request.GET or None)
    organizations = Organization.objects.visible_to(request.user).select_related("seat")
    if form.is_valid():
        organizations = form.filter(organizations)
    context = {
        "form": form,
        "page": Paginator(organizations, PAGE_SIZE).get_page(request.GET.get("page")),
        "can_create": permissions.is_regional(request.user),
        "breadcrumbs": [(_("Organisations"), None)],
    }
    return render(request, "organizations/organization_list.html", context)


def _detail_context(request, organization: Organization, invite_form=None) -> dict:
    user = request.user
    roles = permissions.grantable_roles(user, organization)
    context = {
        "organization": organization,
        "can_edit": Organization.objects.editable_by(user).filter(pk=organization.pk).exists(),
        "can_see_history": permissions.can_see_history(user),
        "breadcrumbs": [_organizations_crumb(), (organization.name, None)],
    }
    if permissions.can_see_members(user, organization):
        context["memberships"] = organization.memberships.select_related("user", "zona", "asl")
        context["manageable_ids"] = set(
            Membership.objects.manageable_by(user)
            .filter(organization=organization)
            .values_list("pk", flat=True)
        )
    if roles:
        context["invite_form"] = invite_form or InviteForm(roles=roles)
        context["invitations"] = organization.invitations.pending().select_related("invited_by")
    if context["can_see_history"]:
        entries = HistoryEntry.objects.for_object(organization).select_related("actor")[:5]
        context["history"] = entries
    return context


@require_safe
def organization_detail(request, pk):
    organization = get_object_or_404(
        Organization.objects.visible_to(request.user).select_related("seat"), pk=pk
    )
    context = _detail_context(request, organization)
    return render(request, "organizations/organization_detail.html", context)


@require_http_methods(["GET", "POST"])
def organization_create(request):
    if not permissions.is_regional(request.user):
        raise PermissionDenied
    form = OrganizationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        organization = actions.create_organization(by=request.user, **form.cleaned_data)
        messages.success(request, _("Organisation created."))
        return redirect(organization)
    context = {
        "form": form,
        "breadcrumbs": [_organizations_crumb(), (_("New organisation"), None)],
    }
    return render(request, "organizations/organization_form.html", context)


@require_http_methods(["GET", "POST"])
def organization_edit(request, pk):
    organization = get_object_or_404(Organization.objects.editable_by(request.user), pk=pk)
    form = OrganizationForm(request.POST or None, instance=organization, user=request.user)
    if request.method == "POST" and form.is_valid():
        actions.update_organization(
            organization,
            by=request.user,
            territory_verified=form.verification(),
            **form.changed_values(),
        )
        messages.success(request, _("Changes saved."))
        return redirect(organization)
    context = {
        "form": form,
        "organization": organization,
        "locked": form.locked,
        "breadcrumbs": [
            _organizations_crumb(),
            (organization.name, organization.get_absolute_url()),
            (_("Edit"), None),
        ],
    }
    return render(request, "organizations/organization_form.html", context)


def _change_crumbs(organization: Organization | None = None) -> list:
    crumbs = [_organizations_crumb()]
    if organization is not None:
        crumbs.append((organization.name, organization.get_absolute_url()))
    return crumbs


@require_http_methods(["GET", "POST"])
def change_request_create(request, pk):
    """The organisation's manager asks coordinators to change its locked fields."""
    organization = get_object_or_404(Organization.objects.editable_by(request.user), pk=pk)
    # A fresh copy: the bound form writes the proposed values onto its instance.
    form = ChangeRequestForm(request.POST or None, instance=Organization.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            actions.request_change(
                organization,
                by=request.user,
                proposed=form.proposed(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Change requested: a coordinator will review it."))
            return redirect(organization)
    context = {
        "form": form,
        "organization": organization,
        "pending": organization.change_requests.pending().select_related("requested_by"),
        "breadcrumbs": [*_change_crumbs(organization), (_("Request a change"), None)],
    }
    return render(request, "organizations/changerequest_form.html", context)


def _change_rows(changes) -> list:
    """Requests with their proposed values as (label, current, proposed) rows: one query per
    related model for the names of the comuni, Unioni and SdS they mention."""
    changes = list(changes)
    names = {}
    for field_name in ("seat", "unione", "sds"):
        model = Organization._meta.get_field(field_name).related_model
        keys = {
            value
            for change in changes
            for value in (change.proposed.get(field_name), change.current.get(field_name))
            if value
        }
        rows = model.objects.filter(pk__in=keys) if keys else []
        names[field_name] = {str(row.pk): str(row) for row in rows}
    kinds = dict(Organization.Kind.choices)

    def shown(field_name: str, value):
        if value in (None, ""):
            return "—"
        if field_name in names:
            return names[field_name].get(str(value), value)
        return kinds.get(value, value) if field_name == "kind" else value

    for change in changes:
        change.rows = [
            (
                Organization._meta.get_field(name).verbose_name,
                shown(name, change.current.get(name)),
                shown(name, value),
            )
            for name, value in change.proposed.items()
        ]
    return changes


@require_safe
def change_request_list(request):
    if not permissions.can_decide_change_requests(request.user):
        raise PermissionDenied
    requests = ChangeRequest.objects.visible_to(request.user).select_related(
        "organization", "requested_by", "decided_by"
    )
    context = {
        "pending": _change_rows(requests.pending()),
        "decided": _change_rows(requests.exclude(status=ChangeRequest.Status.PENDING)[:50]),
        "breadcrumbs": [_organizations_crumb(), (_("Change requests"), None)],
    }
    return render(request, "organizations/changerequest_list.html", context)


def _decide(request, pk, decide) -> object:
    change = get_object_or_404(ChangeRequest.objects.decidable_by(request.user), pk=pk)
    form = ChangeRequestDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The decision could not be recorded."))
        return redirect("organizations:change-request-list")
    try:
        decide(change, form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("organizations:change-request-list")


@require_POST
def change_request_approve(request, pk):
    return _decide(
        request,
        pk,
        lambda change, data: actions.approve_change_request(
            change, by=request.user, verify=data["verify"], note=data["note"]
        ),
    )


@require_POST
def change_request_reject(request, pk):
    return _decide(
        request,
        pk,
        lambda change, data: actions.reject_change_request(
            change, by=request.user, note=data["note"]
        ),
    )


@require_safe
def organization_history(request, pk):
    organization = get_object_or_404(Organization.objects.visible_to(request.user), pk=pk)
    if not permissions.can_see_history(request.user):
        raise PermissionDenied
    entries = HistoryEntry.objects.for_object(organization).select_related("actor")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    context = {
        "organization": organization,
        "page": page,
        "breadcrumbs": [
            _organizations_crumb(),
            (organization.name, organization.get_absolute_url()),
            (_("History"), None),
        ],
    }
    return render(request, "organizations/organization_history.html", context)


@require_POST
def organization_invite(request, pk):
    organization = get_object_or_404(Organization.objects.visible_to(request.user), pk=pk)
    roles = permissions.grantable_roles(request.user, organization)
    if not roles:
        raise PermissionDenied
    form = InviteForm(request.POST, roles=roles)
    if form.is_valid():
        try:
            invitation = actions.invite_member(
                organization,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=request.user,
                site_url=request.build_absolute_uri("/"),
                **form.scope(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # The e-mail leaves with the action's commit, before this answer: it was sent.
            messages.success(
                request,
                _("Invitation e-mail sent to %(email)s: the link is valid until %(date)s.")
                % {
                    "email": invitation.email,
                    "date": date_format(timezone.localtime(invitation.expires_at), "DATE_FORMAT"),
                },
            )
            return redirect(organization)
    context = _detail_context(request, organization, invite_form=form)
    return render(request, "organizations/organization_detail.html", context, status=422)


def _membership_for(request, pk) -> Membership:
    queryset = Membership.objects.manageable_by(request.user).select_related(
        "user", "organization", "zona", "asl"
    )
    return get_object_or_404(queryset, pk=pk)


@require_http_methods(["GET", "POST"])
def membership_edit(request, pk):
    membership = _membership_for(request, pk)
    organization = membership.organization
    roles = permissions.grantable_roles(request.user, organization)
    initial = {"role": membership.role, "zona": membership.zona, "asl": membership.asl}
    form = RoleScopeForm(request.POST or None, roles=roles, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_membership_role(
                membership, role=form.cleaned_data["role"], by=request.user, **form.scope()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Role changed."))
            return redirect(organization)
    context = {
        "form": form,
        "membership": membership,
        "breadcrumbs": [
            _organizations_crumb(),
            (organization.name, organization.get_absolute_url()),
            (_("Change role"), None),
        ],
    }
    return render(request, "organizations/membership_form.html", context)


@require_POST
def membership_delete(request, pk):
    membership = _membership_for(request, pk)
    organization = membership.organization
    actions.remove_membership(membership, by=request.user)
    messages.success(
        request,
        _("%(user)s is no longer a member of %(organization)s.")
        % {"user": membership.user.email, "organization": organization.name},
    )
    return redirect(organization)


@public
@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    invitation = (
        Invitation.objects.select_related("organization", "zona", "asl").filter(token=token).first()
    )
    context = {"invitation": invitation, "breadcrumbs": [(_("Invitation"), None)]}
    if invitation is None:
        context["message"] = _("This invitation link is not valid. Check that you copied it whole.")
        return render(request, "organizations/invitation_invalid.html", context, status=404)
    problem = actions.invitation_problem(invitation)
    if problem is not None:
        context["message"] = problem.message
        return render(request, "organizations/invitation_invalid.html", context, status=410)
    if request.user.is_authenticated:
        return _accept_signed_in(request, invitation, context)
    return _accept_with_new_account(request, invitation, context)


def _accept_signed_in(request, invitation: Invitation, context: dict):
    if request.user.email.lower() != invitation.email.lower():
        context["message"] = _(
            "This invitation was sent to %(email)s, but you are signed in as %(current)s. "
            "Sign out and open the link again."
        ) % {"email": invitation.email, "current": request.user.email}
        return render(request, "organizations/invitation_invalid.html", context, status=403)
    if request.method == "POST":
        try:
            membership = actions.accept_invitation(invitation, user=request.user)
        except actions.InvitationError as error:
            return _refused(request, invitation, error)
        return _welcome(request, membership)
    return render(request, "organizations/invitation_accept.html", context)


def _accept_with_new_account(request, invitation: Invitation, context: dict):
    if User.objects.filter(email__iexact=invitation.email).exists():
        context["login_url"] = f"{reverse('account_login')}?{urlencode({'next': request.path})}"
        return render(request, "organizations/invitation_accept.html", context)
    form = NewAccountForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = actions.create_account(
                    invitation.email,
                    password=form.cleaned_data["password1"],
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                    by=None,
                )
                membership = actions.accept_invitation(invitation, user=user)
        except actions.InvitationError as error:
            return _refused(request, invitation, error)
        login(request, user, backend="allauth.account.auth_backends.AuthenticationBackend")
        return _welcome(request, membership)
    context["form"] = form
    return render(request, "organizations/invitation_accept.html", context)


def _refused(request, invitation: Invitation, error: actions.InvitationError):
    context = {
        "invitation": invitation,
        "message": error.message,
        "breadcrumbs": [(_("Invitation"), None)],
    }
    return render(request, "organizations/invitation_invalid.html", context, status=410)


def _welcome(request, membership: Membership):
    messages.success(
        request,
        _("Welcome: you are now a member of %(organization)s.")
        % {"organization": membership.organization.name},
    )
    return redirect(membership.organization)


def _optional_template(name: str) -> str | None:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return None
    return name


@require_safe
def profile(request):
    user = request.user
    context = {
        "memberships": user.memberships.select_related("organization", "zona", "asl"),
        "has_totp": user.authenticator_set.filter(type="totp").exists(),
        "requires_two_factor": permissions.requires_two_factor(user),
        "api_tokens_template": _optional_template("api/profile_tokens.html"),
        "breadcrumbs": [(_("Profile"), None)],
    }
    return render(request, "organizations/profile.html", context)

"""Organisations of the network, the people who work in them and their roles."""

import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from approdo.organizations import permissions
from approdo.organizations.validators import validate_tax_code


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person with an account. People sign in with their e-mail address."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    tax_code = models.CharField(_("codice fiscale"), max_length=16, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class OrganizationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "OrganizationQuerySet":
        """Staff roles see every organisation; members their own; territory officers also
        the organisations seated in their zona or ASL."""
        if permissions.can_read_everything(user):
            return self.all()
        if user is None or not user.is_authenticated:
            return self.none()
        condition = Q(pk__in=permissions.organization_ids_of(user))
        zona_ids, asl_ids = permissions.territory_scope(user)
        if zona_ids or asl_ids:
            from approdo.territory.models import ComuneZona

            links = ComuneZona.objects.valid_on().filter(
                Q(zona_id__in=zona_ids) | Q(zona__asl_id__in=asl_ids)
            )
            condition |= Q(seat__in=links.values("comune"))
        return self.filter(condition)

    def editable_by(self, user) -> "OrganizationQuerySet":
        """Regional roles edit every organisation; organisation managers their own."""
        if permissions.is_regional(user):
            return self.all()
        return self.filter(pk__in=permissions.organization_ids_of(user, {permissions.ORG_MANAGER}))

    def in_sector(self, sector: str) -> "OrganizationQuerySet":
        if sector == Organization.Sector.PUBLIC:
            return self.filter(kind__in=Organization.PUBLIC_KINDS)
        if sector == Organization.Sector.THIRD_SECTOR:
            return self.exclude(kind__in=Organization.PUBLIC_KINDS)
        return self

    def matching(self, text: str) -> "OrganizationQuerySet":
        """Organisations whose name, tax code or IPA code contains `text`."""
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(
            Q(name__icontains=text) | Q(tax_code__iexact=text) | Q(ipa_code__iexact=text)
        )


class Organization(models.Model):
    class Sector(models.TextChoices):
        PUBLIC = "public", _("Public body")
        THIRD_SECTOR = "third_sector", _("Third sector")

    class Kind(models.TextChoices):
        REGIONE = "regione", _("Regione")
        COMUNE = "comune", _("Comune")
        UNIONE_COMUNI = "unione_comuni", _("Unione dei Comuni")
        SDS = "sds", _("Società della Salute")
        ASL = "asl", _("Azienda USL")
        PREFETTURA = "prefettura", _("Prefettura")
        ALTRO_PUBBLICO = "altro_pubblico", _("Other public body")
        COOPERATIVA_SOCIALE = "cooperativa_sociale", _("Social cooperative")
        APS = "aps", _("Associazione di promozione sociale")
        ODV = "odv", _("Organizzazione di volontariato")
        IMPRESA_SOCIALE = "impresa_sociale", _("Social enterprise")
        FONDAZIONE = "fondazione", _("Foundation")
        ASSOCIAZIONE = "associazione", _("Association")
        ALTRO_ETS = "altro_ets", _("Other third-sector body")

    PUBLIC_KINDS = frozenset(
        {"regione", "comune", "unione_comuni", "sds", "asl", "prefettura", "altro_pubblico"}
    )

    name = models.CharField(_("name"), max_length=250)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    tax_code = models.CharField(
        _("tax code"),
        max_length=16,
        blank=True,
        validators=[validate_tax_code],
        help_text=_("Codice fiscale or partita IVA."),
    )
    ipa_code = models.CharField(_("IPA code"), max_length=20, blank=True)
    runts_number = models.CharField(_("RUNTS number"), max_length=30, blank=True)
    seat = models.ForeignKey(
        "territory.Comune",
        verbose_name=_("seat"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
    )
    address = models.CharField(_("address"), max_length=250, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    pec = models.EmailField(_("PEC"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    unione = models.ForeignKey(
        "territory.UnioneComuni",
        verbose_name=_("Unione dei Comuni"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
        help_text=_("For a Unione dei Comuni: the union this organisation is."),
    )
    sds = models.ForeignKey(
        "territory.SocietaDellaSalute",
        verbose_name=_("Società della Salute"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
        help_text=_("For a Società della Salute: the one this organisation is."),
    )
    # Set only by coordinators and regional administrators: the organisation really is the
    # Comune of its seat, the Unione or the Società della Salute above. Governance scope
    # (pipeline entries of the body) follows this link, never a name or a self-declared seat.
    territory_verified_at = models.DateTimeField(_("territory verified on"), null=True, blank=True)
    territory_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("territory verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    # Fields that define access, audiences or statistics: only regional roles change them,
    # directly or by approving a change request (ChangeRequest).
    LOCKED_FIELDS = ("name", "kind", "tax_code", "seat", "unione", "sds")
    # The fields the verified territory link stands on: changing one clears the verification.
    TERRITORY_FIELDS = ("kind", "seat", "unione", "sds")

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tax_code"],
                condition=~models.Q(tax_code=""),
                name="organization_unique_tax_code",
            ),
            models.UniqueConstraint(fields=["name", "kind"], name="organization_unique_name_kind"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organizations:organization-detail", kwargs={"pk": self.pk})

    @property
    def sector(self) -> str:
        return self.sector_of(self.kind)

    @classmethod
    def sector_of(cls, kind: str) -> str:
        """The sector of an organisation of `kind`."""
        return cls.Sector.PUBLIC if kind in cls.PUBLIC_KINDS else cls.Sector.THIRD_SECTOR

    def get_sector_display(self) -> str:
        return self.Sector(self.sector).label

    @property
    def territory_verified(self) -> bool:
        return self.territory_verified_at is not None


class ChangeRequestQuerySet(models.QuerySet):
    def pending(self) -> "ChangeRequestQuerySet":
        return self.filter(status=ChangeRequest.Status.PENDING)

    def visible_to(self, user) -> "ChangeRequestQuerySet":
        """Regional roles see every request; organisation managers those of their own."""
        if permissions.is_regional(user):
            return self.all()
        return self.filter(
            organization_id__in=permissions.organization_ids_of(user, {permissions.ORG_MANAGER})
        )

    def decidable_by(self, user) -> "ChangeRequestQuerySet":
        """Pending requests `user` may approve or reject: regional roles only."""
        if not permissions.can_decide_change_requests(user):
            return self.none()
        return self.pending()


class ChangeRequest(models.Model):
    """An organisation manager's proposal to change locked fields of their organisation
    (name, kind, tax code, seat, Unione, Società della Salute), applied only when a
    coordinator or regional administrator approves it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="change_requests"
    )
    # {field: value} as stored (primary keys for the comune, Unione and SdS), and the values
    # at the time of the request, so a decision shows what would change.
    proposed = models.JSONField(_("proposed values"))
    current = models.JSONField(_("values when requested"), default=dict)
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("note on the decision"), blank=True, max_length=2000)

    objects = ChangeRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.organization} ({self.get_status_display()})"


class Role(models.TextChoices):
    REGIONAL_ADMIN = "regional_admin", _("Regional administrator")
    COORDINATOR = "coordinator", _("Network coordinator")
    ANALYST = "analyst", _("Analyst")
    ORG_MANAGER = "org_manager", _("Organisation manager")
    ORG_MEMBER = "org_member", _("Organisation member")
    TERRITORY_VIEWER = "territory_viewer", _("Territory officer")


class MembershipQuerySet(models.QuerySet):
    def visible_to(self, user) -> "MembershipQuerySet":
        """Staff roles see every membership; members see those of their own organisations."""
        if permissions.can_read_everything(user):
            return self.all()
        return self.filter(organization_id__in=permissions.organization_ids_of(user))

    def manageable_by(self, user) -> "MembershipQuerySet":
        """Memberships `user` may change or remove: only those whose role `user` could grant."""
        roles = permissions.roles_of(user)
        if user is not None and user.is_authenticated and user.is_superuser:
            return self.all()
        if permissions.REGIONAL_ADMIN in roles:
            return self.all()
        if permissions.COORDINATOR in roles:
            return self.exclude(role=Role.REGIONAL_ADMIN)
        managed = permissions.organization_ids_of(user, {permissions.ORG_MANAGER})
        return self.filter(
            organization_id__in=managed, role__in=[Role.ORG_MANAGER, Role.ORG_MEMBER]
        )


class Membership(models.Model):
    """A person's role in an organisation. A territory officer also has a scope (zona or ASL)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    zona = models.ForeignKey(
        "territory.Zona",
        verbose_name=_("zona distretto"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    asl = models.ForeignKey(
        "territory.ASL",
        verbose_name=_("ASL"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_unique"),
            models.CheckConstraint(
                condition=~models.Q(role="territory_viewer")
                | models.Q(zona__isnull=False)
                | models.Q(asl__isnull=False),
                name="membership_territory_viewer_has_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} - {self.organization} ({self.get_role_display()})"


def new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


class InvitationQuerySet(models.QuerySet):
    def pending(self) -> "InvitationQuerySet":
        """Not yet accepted and not expired."""
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """An e-mailed invitation to join an organisation with a role: single use, with an expiry."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    zona = models.ForeignKey(
        "territory.Zona", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    asl = models.ForeignKey(
        "territory.ASL", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} -> {self.organization}"

    def get_absolute_url(self) -> str:
        return reverse("organizations:invitation-accept", kwargs={"token": self.token})

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_used(self) -> bool:
        return self.accepted_at is not None

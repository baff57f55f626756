"""Who may do what with practices: the one place the practice views ask.

Regional administrators and coordinators edit, assess and publish; analysts read the
editorial pages; everyone else (and the public) sees published practices only."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from approdo.organizations import permissions
from approdo.practices.models import Practice, PracticeAttachment


def can_read_editorial(user) -> bool:
    return permissions.can_read_everything(user)


def can_edit(user) -> bool:
    return permissions.is_regional(user)


def check_can_read_editorial(user) -> None:
    if not can_read_editorial(user):
        raise PermissionDenied


def check_can_edit(user) -> None:
    if not can_edit(user):
        raise PermissionDenied


def editorial_practices(user):
    """Every practice, drafts included, for staff; nothing for anyone else."""
    if not can_read_editorial(user):
        return Practice.objects.none()
    return Practice.objects.all()


def public_practice(code: str) -> Practice:
    """A published practice by code, or 404 (an unpublished one does not exist publicly)."""
    practice = Practice.objects.published().filter(code=code).first()
    if practice is None:
        raise Http404
    return practice


def attachment_for(user, code: str, pk: int) -> PracticeAttachment:
    """The attachment, if the practice is published or the user reads the editorial side."""
    practices = Practice.objects.all() if can_read_editorial(user) else Practice.objects.published()
    attachment = (
        PracticeAttachment.objects.filter(pk=pk, practice__in=practices, practice__code=code)
        .select_related("practice")
        .first()
    )
    if attachment is None:
        raise Http404
    return attachment

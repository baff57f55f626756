"""One response being filled in: the posted page read, the draft saved, the form evaluated on
the server and the page to show next. The views only pass requests in and render it."""

import datetime

from django.utils.translation import gettext

from approdo.surveys import actions, rendering
from approdo.surveys.expressions import evaluate_form
from approdo.surveys.models import SurveyResponse


class ResponseForm:
    """The state of the page of a response: answers, evaluation, errors to show, page."""

    def __init__(self, response: SurveyResponse, *, lang: str | None = None, page=None):
        self.response = response
        self.schema = response.version.schema
        self.language = rendering.choose_language(self.schema, lang)
        self.language_key = self.language.key if self.language else None
        self.pages = rendering.pages_of(self.schema, self.language_key)
        self.answers = rendering.with_defaults(self.schema, response.answers)
        self.revision = response.revision
        self.errors: dict[str, str] = {}
        self.problem = ""
        self.conflict_at: datetime.datetime | None = None
        self.saved_at: datetime.datetime | None = None
        self.editable = response.is_editable and not _closed_reason(response)
        self.evaluate()
        # Without a page asked for, the questionnaire opens where the person left it.
        self.page_number = self._relevant_page(response.last_page if page is None else page)

    @property
    def root(self) -> str:
        return self.schema.get("root") or "data"

    @property
    def page(self) -> rendering.Page:
        return self.pages[self.page_number - 1]

    def evaluate(self) -> None:
        self.evaluation = evaluate_form(self.schema, self.answers, language=self.language_key)

    def _relevant_page(self, page) -> int:
        try:
            number = min(max(int(page), 1), len(self.pages))
        except (TypeError, ValueError):
            number = 1
        if rendering.page_is_relevant(self.pages[number - 1], self.evaluation, self.root):
            return number
        forward = rendering.step_to(self.pages, self.evaluation, self.root, number, 1)
        return (
            forward
            if forward != number
            else rendering.step_to(self.pages, self.evaluation, self.root, number, -1)
        )

    def page_paths(self) -> set[str]:
        """The questions on the page, and the repeats on it that have an error (a required
        repeat without entries)."""
        paths = {
            path for path, _e in rendering.page_leaves(self.schema, self.evaluation, self.page)
        }
        paths.update(
            path
            for path in self.evaluation.errors
            if path not in paths and rendering.page_of_path(self.pages, path) == self.page_number
        )
        return paths

    # -- changes --------------------------------------------------------------------------

    def post(self, data, files, *, by, action: str | None = None) -> None:
        """Read the page, apply the button pressed (save, next, prev, add:, remove:), save
        the draft when the answers changed and choose the errors and the page to show."""
        action = action or data.get("_action") or "save"
        answers, upload_errors = rendering.read_page(
            self.schema,
            self.answers,
            self.evaluation,
            self.page,
            data,
            files,
            instance_id=self.response.instance_id,
        )
        if action.startswith("add:"):
            answers = rendering.add_entry(self.schema, answers, action[4:])
        elif action.startswith("remove:"):
            answers = rendering.remove_entry(self.schema, answers, action[7:])
        self.answers = answers
        self.evaluate()
        paths = self.page_paths()
        if action == "next":
            self.errors = rendering.shown_errors(
                self.evaluation, self.answers, self.schema, paths, all_errors=True
            )
            if not self.errors and not upload_errors:
                self.page_number = self._step(1)
        elif action == "prev":
            self.page_number = self._step(-1)
        else:
            self.errors = rendering.shown_errors(
                self.evaluation, self.answers, self.schema, paths, all_errors=False
            )
        self.errors.update(upload_errors)
        self._save(data.get("_revision"), by)

    def _step(self, step: int) -> int:
        return rendering.step_to(self.pages, self.evaluation, self.root, self.page_number, step)

    def _save(self, posted_revision, by) -> None:
        try:
            revision = int(posted_revision)
        except (TypeError, ValueError):
            revision = 0
        self.revision = revision
        if not self.editable:
            self.problem = gettext("This questionnaire can no longer be changed.")
            return
        if self.answers == self.response.answers and revision == self.response.revision:
            actions.remember_page(self.response, self.page_number)
            return
        try:
            self.response = actions.save_draft(
                self.response,
                answers=self.answers,
                revision=revision,
                by=by,
                page=self.page_number,
            )
        except actions.StaleRevision:
            self.response.refresh_from_db(fields=["revision", "updated_at"])
            self.conflict_at = self.response.updated_at
            return
        except actions.SurveyError as error:
            self.problem = " ".join(error.messages)
            return
        self.revision = self.response.revision
        self.saved_at = self.response.updated_at

    def submit(self, *, by) -> SurveyResponse | None:
        """Submit the saved answers; on refusal, the errors (all of them) or the reason are
        kept and the page of the first error is shown. Returns the submitted response."""
        if self.conflict_at or self.errors:
            return None
        try:
            response, _created = actions.submit_response(
                self.response.campaign,
                organization=self.response.organization,
                instance_id=self.response.instance_id,
                answers=self.answers,
                by=by,
            )
        except actions.AnswersInvalid as error:
            self.errors = dict(error.errors)
            self.page_number = min(rendering.page_of_path(self.pages, p) for p in self.errors)
            return None
        except actions.SurveyError as error:
            self.problem = " ".join(error.messages)
            return None
        return response

    # -- what the template shows ----------------------------------------------------------

    def context(self) -> dict:
        items = rendering.page_items(
            self.schema,
            self.answers,
            self.evaluation,
            self.page,
            language=self.language_key,
            errors=self.errors,
            editable=self.editable,
        )
        relevant = [
            p for p in self.pages if rendering.page_is_relevant(p, self.evaluation, self.root)
        ]
        step = next((i for i, p in enumerate(relevant, 1) if p is self.page), 1)
        return {
            "survey": self,
            "response": self.response,
            "campaign": self.response.campaign,
            "items": items,
            "error_links": rendering.error_links(
                self.schema,
                self.errors,
                self.pages,
                self.page_number,
                self.language_key,
                items,
            ),
            "step": step,
            "step_count": len(relevant),
            "has_previous": self._step(-1) != self.page_number,
            "has_next": self._step(1) != self.page_number,
            "languages": rendering.languages_of(self.schema),
            "language": self.language,
            "content_language": self.language.code if self.language else "",
            "rows": (
                []
                if self.editable
                else rendering.summary(self.schema, self.answers, self.language_key)
            ),
        }


def _closed_reason(response: SurveyResponse) -> str:
    """Why the response cannot be changed now: the campaign is closed, unless the response
    was reopened or sent back for changes."""
    if hasattr(response, "closed_reason"):
        return response.closed_reason()
    if response.status == SurveyResponse.Status.CHANGES_REQUESTED:
        return ""
    return response.campaign.closed_reason()

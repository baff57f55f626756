"""What the surveys app announces to the apps above it, which it must not import (the
import-linter layers): they connect receivers in their `AppConfig.ready()`."""

from django.dispatch import Signal

# Sent by `actions.submit_response` inside the submission's transaction, each time a response
# moves to submitted (first submission or resubmission after changes), with the keyword
# arguments `response` (the SurveyResponse, saved) and `by` (who submitted, or None).
# Receivers run in the same transaction: what they write is committed with the submission or
# not at all, so they must be idempotent and must not read first and then insert.
response_submitted = Signal()

"""The good-practice API is open data: anyone may read the published practices."""

from tests.policies.base import PUBLIC

POLICY = {"api:practices": (None, PUBLIC)}
PUBLIC_VIEWS = {"api:practices"}

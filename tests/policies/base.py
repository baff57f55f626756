"""Shared vocabulary of the permission matrix: the cast of roles and expected answers.

Each module of this package declares, for one area, `POLICY` (URL name -> (URL kwargs from the
test world, expected GET status per role)), `PUBLIC_VIEWS`, and optionally
`extend_world(world)` to create the objects its URLs need."""

ROLES = [
    "anonymous",
    "regione_admin",
    "anci_coordinator",
    "analyst",
    "prato_member",
    "coop_member",
    "other_coop_member",
    "zona_officer",
]
SIGNED_IN = ROLES[1:]
LOGIN = 302  # private pages send anonymous visitors to the sign-in page


def expect(default: int, **per_role: int) -> dict[str, int]:
    return {role: per_role.get(role, default) for role in ROLES}


def private(signed_in: int = 200, **per_role: int) -> dict[str, int]:
    return expect(signed_in, anonymous=LOGIN, **per_role)


def regional_only(**per_role: int) -> dict[str, int]:
    allowed = {"regione_admin": 200, "anci_coordinator": 200}
    return private(403, **{**allowed, **per_role})


PUBLIC = expect(200)

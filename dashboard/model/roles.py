"""Roles and what they may see.

planner: everything; partner: everything public plus editing their own organisation's
offers; viewer: read-only, no personal contact data.
"""

ROLES = ("planner", "partner", "viewer")


def can_see_personal_contacts(role: str) -> bool:
    """Personal contact data (names, e-mails, phone numbers of people): planners and partners."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; expected one of {ROLES}")
    return role in ("planner", "partner")

"""Who may write to the recommendations tracker (reading is public)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from psephos.accounts.access import access_role
from psephos.accounts.enums import Role

if TYPE_CHECKING:
    from psephos.accounts.models import User


def access_follow_up(user: User) -> None:
    """Allow an operator of the central commission, which answers for the recommendations."""
    access_role(user, Role.CEC_OPERATOR)

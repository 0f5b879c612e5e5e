"""URL-walk factories of the accounts app (see ``bianzhi.kernel.testing``)."""

from __future__ import annotations

from bianzhi.accounts.services import api_token_issue
from bianzhi.kernel.testing import ForeignWorld, url_param


@url_param("token_id")
def _token(world: ForeignWorld) -> list[str]:
    # A token of 大英县's officer: the outsider (通渭县) may not even see it.
    token, _ = api_token_issue(user=world.officer, name="走查令牌")
    return [str(token.pk)]


@url_param("user_id")
def _user(world: ForeignWorld) -> list[str]:
    # 大英县's officer's own account page (everyone reads their own); the
    # outsider is no administrator of it.
    return [str(world.officer.pk)]

"""URL-walk parameters for the rules pages (see bianzhi.kernel.testing)."""

from __future__ import annotations

from bianzhi.kernel.testing import NEUTRAL_PARAMS, ForeignWorld, url_param

# The policy texts are public documents, the same for every user: a policy
# page is no object of a region, so the outsider may read it too.
NEUTRAL_PARAMS.add("number")


@url_param("number", url_name="policy_rules:policy")
def _policy_number(world: ForeignWorld) -> list[str]:
    return ["001"]

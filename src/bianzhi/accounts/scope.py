"""`Scope`: what one user may see and do, derived from region and roles.

Every selector takes a scope; a view or API view gets its own with
``scope_of(request)``. Rules:

* a superuser sees and may do everything;
* a user with no role, no region or an inactive account sees nothing;
* any role lets the user *view* everything under (and including) their region;
  a 乡镇用户's region is their township, so they see their township only;
* 编办管理员 may edit, 审核人 may approve, under their region;
* 部门用户 and 只读 only view.

Objects of other apps are scoped through their region: ``scope.filter(qs)``
for a model with a ``region`` foreign key, ``scope.filter(qs, "plan__region")``
through a relation, ``scope.code_q("region_code")`` for a stored code string.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from bianzhi.accounts.models import Role, User
from bianzhi.regions.models import Level, Region

_NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Scope:
    region: Region | None
    roles: frozenset[str]
    is_superuser: bool = False
    user_id: int | None = None
    department_id: int | None = None

    @classmethod
    def for_user(cls, user: Any) -> Scope:
        """The scope of ``user`` (anonymous and inactive users get an empty scope)."""
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return cls(region=None, roles=frozenset())
        return cls(
            region=user.region,
            roles=user.role_set(),
            is_superuser=user.is_superuser,
            user_id=user.pk,
            department_id=user.department_id,
        )

    # -- reading ---------------------------------------------------------------
    @property
    def sees_anything(self) -> bool:
        return self.is_superuser or (self.region is not None and bool(self.roles))

    def q(self, field: str = "region") -> Q:
        """Q restricting a queryset to rows whose ``field`` (a Region FK path) is in scope.

        ``field=""`` means the queryset is of ``Region`` itself.
        """
        if self.is_superuser:
            return Q()
        if not self.sees_anything or self.region is None:
            return _NOTHING
        prefix = f"{field}__" if field else ""
        return Q(**{prefix + self.region.level_field: self.region.code})

    def code_q(self, field: str = "region_code") -> Q:
        """Q for rows that store a region *code* string (codes nest by prefix)."""
        if self.is_superuser:
            return Q()
        if not self.sees_anything or self.region is None:
            return _NOTHING
        return Q(**{f"{field}__startswith": self.region.code})

    def filter(self, queryset: QuerySet[Any], field: str = "region") -> QuerySet[Any]:
        """``queryset`` restricted to the scope through the Region FK path ``field``."""
        return queryset.filter(self.q(field))

    def regions(self) -> QuerySet[Region]:
        """All regions the user may view."""
        return Region.objects.filter(self.q(""))

    def region_or_404(self, code: str) -> Region:
        """The region with ``code`` if the user may view it, else Http404 (no leak)."""
        return self._region_or_404(code, levels=None)

    def county_or_404(self, code: str) -> Region:
        """The county with ``code`` if the user may view it, else Http404.

        A region of another level is a 404 as well, with the same message:
        a page of one county never says what else the code is."""
        return self._region_or_404(code, levels=(Level.COUNTY,))

    def township_or_404(self, code: str) -> Region:
        """The township with ``code`` if the user may view it, else Http404."""
        return self._region_or_404(code, levels=(Level.TOWNSHIP,))

    def _region_or_404(self, code: str, *, levels: tuple[str, ...] | None) -> Region:
        regions = self.regions().filter(code=code)
        if levels is not None:
            regions = regions.filter(level__in=levels)
        region = regions.first()
        if region is None:
            raise Http404("区划不存在或无权访问")
        return region

    # -- permissions -----------------------------------------------------------
    def can_view(self, region: Region | None) -> bool:
        if self.is_superuser:
            return True
        if region is None or self.region is None or not self.roles:
            return False
        return self.region.contains(region)

    def _has_role_over(self, role: str, region: Region | None) -> bool:
        if self.is_superuser:
            return True
        return role in self.roles and self.can_view(region)

    def can_edit(self, region: Region | None) -> bool:
        """编办管理员 of ``region`` or an ancestor."""
        return self._has_role_over(Role.OFFICER, region)

    def can_approve(self, region: Region | None) -> bool:
        """审核人 of ``region`` or an ancestor."""
        return self._has_role_over(Role.APPROVER, region)

    def require_edit(self, region: Region | None) -> None:
        """Raise PermissionDenied (403) unless the user may edit ``region``."""
        if not self.can_edit(region):
            raise PermissionDenied("无权修改该区划的数据")

    def require_approve(self, region: Region | None) -> None:
        if not self.can_approve(region):
            raise PermissionDenied("无权审核该区划的数据")

    def role_labels(self) -> list[str]:
        labels = [Role(r).label for r in Role.values if r in self.roles]
        if self.is_superuser:
            labels.insert(0, "超级管理员")
        return labels


def acts_for_township(scope: Scope | None, township: Region) -> bool:
    """The 乡镇用户 of ``township`` itself, or an officer over it (entering a
    township's opinion or register on its behalf, e.g. a letter received on
    paper). ``None`` is the system (command line, demo): always allowed."""
    if scope is None or scope.is_superuser:
        return True
    own = Role.TOWNSHIP in scope.roles and scope.region is not None and scope.region.pk == township.pk
    return own or scope.can_edit(township)


def scope_for(user: User | Any) -> Scope:
    """Shorthand for ``Scope.for_user``."""
    return Scope.for_user(user)


def actor_of(request: Any) -> User:
    """The signed-in user behind a page or API request, as the ``actor`` a
    service records. Every view that writes is behind login, so an anonymous
    request reaching one is refused rather than recorded as the system."""
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    return user


def scope_of(request: Any) -> Scope:
    """The scope of the user behind ``request``: a page's or an API call's.

    A page gets the one ``ScopeMiddleware`` put on the request (computed
    once per request, on first use). A DRF ``Request`` passes unknown
    attributes through to the page request underneath, whose ``scope`` is
    the *session* user's; but DRF authenticates API tokens on its own
    request, so an API call's scope is built from ``request.user`` as DRF
    sees it. A request that never went through the middleware (a test's
    RequestFactory) gets one built from its user too.
    """
    from rest_framework.request import Request

    if isinstance(request, Request):
        return Scope.for_user(request.user)
    scope = getattr(request, "scope", None)
    if scope is None:
        return Scope.for_user(getattr(request, "user", None))
    return scope  # type: ignore[no-any-return]

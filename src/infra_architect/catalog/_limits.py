"""AWS limits the generated infrastructure must stay within: the length and characters
of the names it builds, and the default service quotas of a new account."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from infra_architect.errors import named


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NameLimit(_Data):
    """How long a resource's name may be, and what it may not start with."""

    kind: str
    max_length: int = Field(ge=8)
    forbidden_prefix: str | None = Field(
        default=None, description="A prefix AWS refuses (e.g. ALB names: internal-)."
    )
    source: str


class AccountQuota(_Data):
    """One Service Quotas quota a design can outgrow on a new account."""

    id: str
    title: str
    service_code: str
    quota_code: str
    default: int | None = Field(
        description="The documented default of a new account (None: AWS sets it per "
        "account; the design then says to check it)."
    )
    adjustable: bool
    source: str


class Limits(_Data):
    version: int
    names: list[NameLimit]
    quotas: list[AccountQuota]

    def name(self, kind: str) -> NameLimit:
        return named(self.names, kind, "name limit", key=lambda n: n.kind)

    def quota(self, quota_id: str) -> AccountQuota:
        return named(self.quotas, quota_id, "account quota", key=lambda q: q.id)

"""Which Terraform and AWS provider versions the generated roots allow, and how a fresh
``terraform init`` is kept to the version CI tested (issue 20, item 7)."""

from __future__ import annotations

from infra_architect.engine._design_model import Alternative, Decision

MINIMUM_TERRAFORM = "1.11.0"
"""The lowest Terraform every root allows: S3 state locking (use_lockfile) is GA from 1.11."""
TESTED_PROVIDER = "5.100.0"
"""The hashicorp/aws release the validate step and the emulator tests run (the offline
provider mirror holds it)."""


def choose_provider_versions() -> Decision:
    return Decision(
        id="terraform-provider-versions",
        title="Terraform and AWS provider versions",
        selected=(
            f"Terraform >= {MINIMUM_TERRAFORM}; hashicorp/aws >= {TESTED_PROVIDER}, < 7.0.0, "
            f"with a .terraform.lock.hcl in every root that selects {TESTED_PROVIDER}"
        ),
        alternatives=[
            Alternative(
                name=f"Pin hashicorp/aws exactly (= {TESTED_PROVIDER}), no lock file",
                why_not="the same version on every init, but no hash check of the "
                "downloaded provider, and every module's constraint must be edited to take a "
                "fix release; the lock file gives the same selection and keeps the range",
            ),
            Alternative(
                name=">= 5.70.0, < 7.0.0 without a lock file (before)",
                why_not="a fresh init picks the newest 6.x, which no test ran; 5.70 to 5.99 "
                "were never tested either (e.g. the OIDC provider's thumbprint_list was "
                "required in older 5.x)",
            ),
            Alternative(
                name="Move to hashicorp/aws 6.x now",
                why_not="not testable offline here (the mirror holds 5.100.0); the generated "
                "code avoids what 6.x removes or deprecates (no data.aws_region name, no "
                "auth_token without auth_token_update_strategy, no resource-level region), so "
                "raising the lock is a one-line change once a 6.x lane runs",
            ),
        ],
        why=(
            f"the floor is the version the checks run ({TESTED_PROVIDER}), and the lock file "
            "makes every init take it (Terraform: include the lock file in version "
            "control, https://developer.hashicorp.com/terraform/language/files/"
            "dependency-lock). Its hashes: h1 for linux_amd64 computed from the provider "
            "package itself (terraform providers lock against the mirror), and the zh "
            "(zip SHA-256) of all 14 platform packages of the release as the registry "
            "publishes them; init on another platform verifies the download against those "
            "and adds that platform's h1. Terraform 1.11 makes S3 state locking "
            "(use_lockfile) generally available, so no DynamoDB lock table is needed"
        ),
        risk=(
            "init on macOS or arm64 adds an h1 line to the lock file (commit it, or run "
            "terraform providers lock -platform=linux_amd64 -platform=linux_arm64 "
            "-platform=darwin_arm64 once); a 6.x upgrade must be made on purpose (raise the "
            "lock), never by a fresh checkout"
        ),
        drivers=["generated Terraform must be what CI validated", "day-one deployable"],
    )

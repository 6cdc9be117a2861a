"""The bill's operations: logs in CloudWatch, the audit module (CloudTrail,
GuardDuty, Security Hub, AWS Config) and keys and secrets."""

from __future__ import annotations

from infra_architect._figures import figure, number
from infra_architect.cost import Usage
from infra_architect.engine.assess._bill_parts import GB, BillInputs, gigabytes, per_million


def log_bytes_per_request(parts: BillInputs) -> float:
    """Log bytes kept per request: the spec's (else the catalog's) bytes × its sample rate."""
    spec = parts.req.observability
    written = spec.log_bytes_per_request
    if written is None:
        written = parts.usage.log_bytes_per_request
    return written * spec.log_sample_rate


def observability_lines(parts: BillInputs, rps: float) -> list[Usage]:
    usage = parts.usage
    spec = parts.req.observability
    kept = log_bytes_per_request(parts)
    ingest = gigabytes(rps, kept, "log_bytes")
    months = parts.observability.log_retention_days / 30
    sampled = (
        f", {spec.log_sample_rate:.0%} of requests' logs kept (sampled)"
        if spec.log_sample_rate < 1
        else ""
    )
    return [
        Usage(
            component="CloudWatch Logs ingestion",
            category="observability",
            price_key="cloudwatch_logs_ingest_gb",
            quantity=ingest,
            commitment="usage",
            traffic_scaled=True,
            note=f"{number(kept)} bytes of logs a request{sampled}",
        ),
        Usage(
            component="CloudWatch Logs storage",
            category="observability",
            price_key="cloudwatch_logs_storage_gb_month",
            quantity=figure(
                ingest.value * months * usage.log_storage_ratio,
                "GB-month",
                "{ingested_gb} × {retention_months} × {compressed_ratio}",
                ingested_gb=ingest.value,
                retention_months=months,
                compressed_ratio=usage.log_storage_ratio,
            ),
            commitment="usage",
            traffic_scaled=True,
            note=f"{parts.observability.log_retention_days} days kept (steady state once "
            "the retention window is full)",
        ),
    ]


def audit_lines(parts: BillInputs, rps: float) -> list[Usage]:
    """The audit module each environment account runs, where a compliance control uses
    it: CloudTrail (the first copy of management events is free; its files in S3 and its
    CloudWatch Logs delivery are not), GuardDuty, Security Hub over AWS Config, a key."""
    audit = parts.security.audit
    if audit is None:
        return []
    usage = parts.usage
    events = usage.management_events_per_month
    out = [
        Usage(
            component="Audit key (KMS)",
            category="security",
            price_key="kms_key_month",
            quantity=figure(1.0, "keys", "{keys}", keys=1.0),
            commitment="usage",
            traffic_scaled=False,
            note="the audit files' own key, apart from the data key",
        )
    ]
    if audit.trail:
        out.extend(_trail(parts, events, audit.retention_days))
    if audit.guardduty:
        out.append(
            per_million(
                "GuardDuty: CloudTrail events analysed",
                "security",
                "guardduty_cloudtrail_million_events",
                events,
                f"{number(events)} management events a month (planning figure)",
            ).model_copy(update={"traffic_scaled": False})
        )
        out.append(
            Usage(
                component="GuardDuty: VPC flow and DNS logs analysed",
                category="security",
                price_key="guardduty_flow_dns_gb",
                quantity=gigabytes(rps, usage.guardduty_log_bytes_per_request, "log_bytes"),
                commitment="usage",
                traffic_scaled=True,
                note=f"{number(usage.guardduty_log_bytes_per_request)} bytes of flow and DNS "
                "logs a request (GuardDuty reads its own copy: no flow logs to pay for)",
            )
        )
    standards = len(audit.security_hub_standards)
    if standards:
        out.append(
            Usage(
                component="Security Hub security checks",
                category="security",
                price_key="securityhub_thousand_checks",
                quantity=figure(
                    standards * usage.security_hub_checks_per_standard / 1000,
                    "thousand checks",
                    "{standards} × {checks_per_standard} / 1,000",
                    standards=float(standards),
                    checks_per_standard=usage.security_hub_checks_per_standard,
                ),
                commitment="usage",
                traffic_scaled=False,
                note=", ".join(sorted(audit.security_hub_standards))
                + "; findings of its own checks are ingested free",
            )
        )
    if audit.config_recorder:
        out.append(
            Usage(
                component="AWS Config configuration items",
                category="security",
                price_key="config_configuration_item",
                quantity=figure(
                    usage.config_items_per_month,
                    "configuration items",
                    "{items_per_month}",
                    items_per_month=usage.config_items_per_month,
                ),
                commitment="usage",
                traffic_scaled=False,
                note="continuous recording of every resource (planning figure); the Config "
                "rules Security Hub runs are billed as its checks",
            )
        )
    return out


def _trail(parts: BillInputs, events: float, retention_days: int) -> list[Usage]:
    """CloudTrail's log files (S3, under Object Lock for the retention) and its copy in
    CloudWatch Logs (ingested, then kept compressed for the same retention)."""
    usage = parts.usage
    gb = figure(
        events * usage.cloudtrail_event_bytes / GB,
        "GB",
        "{events} × {event_bytes} / 1e9",
        events=events,
        event_bytes=usage.cloudtrail_event_bytes,
    )
    months = retention_days / 30
    kept = figure(
        gb.value * months * usage.log_storage_ratio,
        "GB-month",
        "{gb_a_month} × {retention_months} × {compressed_ratio}",
        gb_a_month=gb.value,
        retention_months=months,
        compressed_ratio=usage.log_storage_ratio,
    )
    note = f"{number(events)} management events a month, kept {retention_days} days"
    return [
        Usage(
            component="CloudTrail log files (S3)",
            category="security",
            price_key="s3_standard_gb_month",
            quantity=kept,
            commitment="usage",
            traffic_scaled=False,
            note=note + " (gzip; the first copy of management events is free)",
        ),
        Usage(
            component="CloudTrail to CloudWatch Logs (ingestion)",
            category="security",
            price_key="cloudwatch_logs_ingest_gb",
            quantity=gb,
            commitment="usage",
            traffic_scaled=False,
            note=note,
        ),
        Usage(
            component="CloudTrail in CloudWatch Logs (storage)",
            category="security",
            price_key="cloudwatch_logs_storage_gb_month",
            quantity=kept,
            commitment="usage",
            traffic_scaled=False,
            note=note,
        ),
    ]


def security_lines(parts: BillInputs) -> list[Usage]:
    secrets = len(parts.security.secrets)
    out = [
        Usage(
            component="KMS keys",
            category="security",
            price_key="kms_key_month",
            quantity=figure(1.0, "keys", "{keys}", keys=1.0),
            commitment="usage",
            traffic_scaled=False,
            note="one customer-managed key",
        )
    ]
    if secrets:
        out.append(
            Usage(
                component="Secrets Manager",
                category="security",
                price_key="secrets_manager_secret_month",
                quantity=figure(float(secrets), "secrets", "{secrets}", secrets=float(secrets)),
                commitment="usage",
                traffic_scaled=False,
            )
        )
    return out

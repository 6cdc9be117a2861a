"""The cost floor: the cheapest monthly bill of any topology that meets the SLO.

It prices the minimum each component needs (smallest instance classes, Multi-AZ where
the SLO demands it, compute at the minimum replica counts on Fargate) at us-east-1
list prices, the lowest of any region, so it is a lower bound wherever the system
runs. A budget below it cannot be met by any design; the full cost model estimates
what the chosen design will actually cost.
"""

from __future__ import annotations

from dataclasses import dataclass

from infra_architect._figures import Figure, figure
from infra_architect.catalog import Catalog, Policy, PriceList
from infra_architect.cost import total
from infra_architect.engine._model import CostFloor, CostLine, Recovery, ServiceCapacity, Topology
from infra_architect.engine._topology import store_is_multi_az
from infra_architect.spec import Datastore, DatastoreEngine, QueueEngine, Requirements

DYNAMODB_FREE_GB = 25.0


@dataclass(frozen=True)
class Pricer:
    """Monthly cost lines at catalog prices, each figure showing its arithmetic."""

    prices: PriceList

    def hourly(self, component: str, count: float, key: str, note: str = "") -> CostLine:
        usd = self.prices.usd(key)
        hours = self.prices.hours_per_month
        return CostLine(
            component=component,
            monthly_usd=figure(
                count * usd * hours,
                "USD/month",
                "{count} × {usd_per_hour} × {hours_per_month}",
                count=count,
                usd_per_hour=usd,
                hours_per_month=hours,
            ),
            note=note,
        )

    def storage(self, component: str, gb: float, copies: float, key: str, note: str) -> CostLine:
        usd = self.prices.usd(key)
        return CostLine(
            component=component,
            monthly_usd=figure(
                gb * copies * usd,
                "USD/month",
                "{gb} × {copies} × {usd_per_gb_month}",
                gb=gb,
                copies=copies,
                usd_per_gb_month=usd,
            ),
            note=note,
        )

    def flat(self, component: str, count: float, key: str, note: str) -> CostLine:
        """``count`` items billed per month (secrets, keys)."""
        usd = self.prices.usd(key)
        return CostLine(
            component=component,
            monthly_usd=figure(
                count * usd, "USD/month", "{count} × {usd_each}", count=count, usd_each=usd
            ),
            note=note,
        )


def sum_lines(lines: list[CostLine]) -> Figure:
    """The monthly total of ``lines``, its working naming each line by position."""
    return total(
        [line.monthly_usd.value for line in lines], [f"line_{i + 1}" for i in range(len(lines))]
    )


@dataclass(frozen=True)
class FloorParts:
    """The primary region's floor lines by kind: the recovery region is priced from them."""

    network: list[CostLine]
    compute: CostLine
    data: list[CostLine]
    messaging: list[CostLine]

    @property
    def lines(self) -> list[CostLine]:
        return [*self.network, self.compute, *self.data, *self.messaging]


def floor_parts(
    req: Requirements, catalog: Catalog, azs: int, services: list[ServiceCapacity]
) -> FloorParts:
    pricer = Pricer(catalog.prices)
    return FloorParts(
        network=_network_lines(pricer, req, catalog.policy, azs),
        compute=compute_line(pricer, services),
        data=_data_lines(pricer, req, catalog.policy, azs),
        messaging=messaging_lines(pricer, req, catalog.policy, azs),
    )


def derive_cost_floor(
    req: Requirements,
    catalog: Catalog,
    topology: Topology,
    recovery: Recovery,
    services: list[ServiceCapacity],
) -> CostFloor:
    """The primary region's floor, and the recovery region exactly as the design runs it
    (the recovery's own lines: its standby share, its data replication)."""
    lines = floor_parts(req, catalog, topology.availability_zones.whole, services).lines
    if recovery.lines:
        lines.append(
            CostLine(
                component="Recovery region",
                monthly_usd=recovery.monthly_usd,
                note=f"{recovery.strategy}: "
                + "; ".join(
                    f"{line.component} ${line.monthly_usd.value:,.0f}" for line in recovery.lines
                ),
            )
        )
    return CostFloor(
        lines=lines,
        total_monthly_usd=sum_lines(lines),
        prices_as_of=catalog.prices.as_of,
        price_region=catalog.prices.region,
        note=" ".join((__doc__ or "").split("\n\n")[1].split()),
    )


def _network_lines(pricer: Pricer, req: Requirements, policy: Policy, azs: int) -> list[CostLine]:
    per_az_nat = req.availability.slo >= policy.paging_slo
    lines = [
        pricer.hourly(
            "NAT gateways",
            float(azs if per_az_nat else 1),
            "nat_gateway_hour",
            "one per AZ: a single NAT gateway is a single point of failure for egress"
            if per_az_nat
            else "one shared NAT gateway; an AZ outage also cuts the other AZs' egress",
        )
    ]
    if any(s.type.serves_requests for s in req.system.services):
        lines.append(pricer.hourly("Application Load Balancer", 1.0, "alb_hour", "hourly only"))
    return lines


def compute_line(pricer: Pricer, services: list[ServiceCapacity]) -> CostLine:
    """Fargate at every service's minimum replicas."""
    prices = pricer.prices
    vcpu = sum(s.vcpu_min.value for s in services)
    memory = sum(s.memory_gb_min.value for s in services)
    return CostLine(
        component="Compute at minimum replicas (Fargate)",
        monthly_usd=figure(
            (vcpu * prices.usd("fargate_vcpu_hour") + memory * prices.usd("fargate_gb_hour"))
            * prices.hours_per_month,
            "USD/month",
            "({vcpu} × {usd_per_vcpu_hour} + {memory_gib} × {usd_per_gib_hour}) "
            "× {hours_per_month}",
            vcpu=vcpu,
            usd_per_vcpu_hour=prices.usd("fargate_vcpu_hour"),
            memory_gib=memory,
            usd_per_gib_hour=prices.usd("fargate_gb_hour"),
            hours_per_month=prices.hours_per_month,
        ),
        note="the cheapest managed compute with no cluster to run; cron jobs excluded",
    )


def _data_lines(pricer: Pricer, req: Requirements, policy: Policy, azs: int) -> list[CostLine]:
    lines: list[CostLine] = []
    for store in req.system.datastores:
        multi = store_is_multi_az(store.multi_az, req.availability.slo, policy, azs)
        copies = 2.0 if multi else 1.0
        gb = store.storage_gb or policy.storage_defaults_gb[store.engine.value]
        shown_multi = multi and store.engine not in (DatastoreEngine.S3, DatastoreEngine.DYNAMODB)
        label = f"{store.name} ({store.engine.value}{', Multi-AZ' if shown_multi else ''})"
        if store.engine.relational:
            lines.append(pricer.hourly(label, copies, "rds_db_t4g_micro_hour", "db.t4g.micro"))
            lines.append(
                pricer.storage(f"{store.name} storage", gb, copies, "rds_gp3_gb_month", "gp3")
            )
        elif store.engine is DatastoreEngine.REDIS:
            note = "cache.t4g.micro" + (" primary + replica" if multi else "")
            lines.append(pricer.hourly(label, copies, "elasticache_cache_t4g_micro_hour", note))
        elif store.engine is DatastoreEngine.OPENSEARCH:
            lines.append(
                pricer.hourly(label, copies, "opensearch_t3_small_hour", "t3.small.search")
            )
            lines.append(
                pricer.storage(
                    f"{store.name} storage", gb, copies, "opensearch_gp3_gb_month", "gp3"
                )
            )
        else:
            lines.append(object_store_line(pricer, store, gb))
    return lines


def object_store_line(pricer: Pricer, store: Datastore, gb: float) -> CostLine:
    """S3 or DynamoDB: billed by storage, replicated across AZs by the service itself."""
    label = f"{store.name} ({store.engine.value})"
    if store.engine is DatastoreEngine.S3:
        return pricer.storage(
            label,
            gb,
            1.0,
            "s3_standard_gb_month",
            "S3 Standard; replicated across AZs by the service",
        )
    return pricer.storage(
        label,
        max(0.0, gb - DYNAMODB_FREE_GB),
        1.0,
        "dynamodb_storage_gb_month",
        "first 25 GB free; requests extra",
    )


def messaging_lines(pricer: Pricer, req: Requirements, policy: Policy, azs: int) -> list[CostLine]:
    """One line per queue, sized for the AZs it spans."""
    lines: list[CostLine] = []
    for queue in req.system.queues:
        label = f"{queue.name} ({queue.engine.value})"
        if queue.engine is QueueEngine.KAFKA:
            lines.append(
                pricer.hourly(
                    label,
                    float(max(2, azs)),
                    "msk_kafka_t3_small_hour",
                    "kafka.t3.small, one broker per AZ",
                )
            )
        elif queue.engine is QueueEngine.RABBITMQ:
            multi = store_is_multi_az(None, req.availability.slo, policy, azs)
            lines.append(
                pricer.hourly(
                    label,
                    3.0 if multi else 1.0,
                    "mq_m5_large_hour",
                    "mq.m5.large " + ("3-node cluster" if multi else "single"),
                )
            )
        elif queue.engine is QueueEngine.KINESIS:
            lines.append(pricer.hourly(label, 1.0, "kinesis_shard_hour", "one shard"))
        else:
            lines.append(
                CostLine(
                    component=label,
                    monthly_usd=figure(0.0, "USD/month", "{usd}", usd=0.0),
                    note="priced per request; the first million a month are free",
                )
            )
    return lines

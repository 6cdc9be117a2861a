"""Typed loaders for the data the engine reasons with (regions, policy, prices).

The tables are YAML files shipped in ``catalog/data`` so they can be reviewed and
changed without touching code; these models are the only way the engine sees them.
"""

from infra_architect.catalog._catalog import (
    Capability,
    Catalog,
    CauseAlarmPolicy,
    DataReplication,
    DbClass,
    DesignData,
    EngineVersion,
    NodeType,
    Policy,
    Region,
    RegionRpoZeroOption,
    RuntimeProfile,
    ServiceProfile,
    SizeClass,
    SloTier,
    StandbyCompute,
    Timings,
    UsageAssumptions,
    WafRateLimit,
    load_catalog,
)
from infra_architect.catalog._data_sizing import AuroraClass, DataSizing
from infra_architect.catalog._prices import (
    TERMS,
    PriceCatalog,
    PriceEntry,
    PriceItem,
    PriceList,
    PriceQuery,
    Term,
)
from infra_architect.catalog._streaming import (
    Buildable,
    KafkaBrokerClass,
    MemoryDbClass,
    MqInstanceClass,
    StreamingData,
)

__all__ = [
    "TERMS",
    "AuroraClass",
    "Buildable",
    "Capability",
    "Catalog",
    "CauseAlarmPolicy",
    "DataReplication",
    "DataSizing",
    "DbClass",
    "DesignData",
    "EngineVersion",
    "KafkaBrokerClass",
    "MemoryDbClass",
    "MqInstanceClass",
    "NodeType",
    "Policy",
    "PriceCatalog",
    "PriceEntry",
    "PriceItem",
    "PriceList",
    "PriceQuery",
    "Region",
    "RegionRpoZeroOption",
    "RuntimeProfile",
    "ServiceProfile",
    "SizeClass",
    "SloTier",
    "StandbyCompute",
    "StreamingData",
    "Term",
    "Timings",
    "UsageAssumptions",
    "WafRateLimit",
    "load_catalog",
]

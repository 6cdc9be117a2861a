"""Simulations behind the runbooks and the Definition of Done: availability (closed
forms and a Monte Carlo), a traffic spike against the autoscalers, and faults. Pure
NumPy; no I/O except the optional plot (:mod:`infra_architect.simulate.plot`)."""

from infra_architect.simulate._availability import (
    MONTH_MINUTES,
    Block,
    Component,
    MonteCarlo,
    closed_form,
    components,
    k_of_n,
    monte_carlo,
    parallel,
    series,
)
from infra_architect.simulate._faults import (
    CapacityLoss,
    Redeploy,
    Rollout,
    bad_rollout,
    capacity_loss,
    emergency_rollback,
)
from infra_architect.simulate._settings import (
    ShedTotals,
    SpikeOutcome,
    Tuned,
    minimum_settings,
    outcomes,
    spike_need,
    target_need,
)
from infra_architect.simulate._spike import (
    Cluster,
    Run,
    Scaler,
    Settings,
    SimService,
    Spike,
    initial_replicas,
    shed_totals,
    simulate,
)

__all__ = [
    "MONTH_MINUTES",
    "Block",
    "CapacityLoss",
    "Cluster",
    "Component",
    "MonteCarlo",
    "Redeploy",
    "Rollout",
    "Run",
    "Scaler",
    "Settings",
    "ShedTotals",
    "SimService",
    "Spike",
    "SpikeOutcome",
    "Tuned",
    "bad_rollout",
    "capacity_loss",
    "closed_form",
    "components",
    "emergency_rollback",
    "initial_replicas",
    "k_of_n",
    "minimum_settings",
    "monte_carlo",
    "outcomes",
    "parallel",
    "series",
    "shed_totals",
    "simulate",
    "spike_need",
    "target_need",
]

"""Assessments of a chosen design, as opposed to the choosers that make it.

- the bill of materials: what each environment runs and uses a month, priced by
  :mod:`infra_architect.cost` (``_bill*.py``, one module per resource family);
- the resilience studies run against the design: the spike against its autoscaling
  (and the settings that keep it within budget), faults at peak, availability per
  request path (``_resilience.py``);
- the failure paths the runbooks print, one function per path (``_failure.py``), and
  those of the streams and brokers (``_stream_failure.py``).
"""

from infra_architect.engine.assess._bill import (
    bill_of_materials,
    environment_sizes,
    estimate_cost,
)
from infra_architect.engine.assess._bill_parts import BillInputs, Sizes
from infra_architect.engine.assess._failure import (
    FailureInputs,
    detection_figure,
    failure_scenarios,
    reschedule_figure,
)
from infra_architect.engine.assess._resilience import (
    SpikeTuning,
    availability_study,
    fault_study,
    spike_run,
    tune_for_spike,
)
from infra_architect.engine.assess._stream_failure import stream_failure_scenarios

__all__ = [
    "BillInputs",
    "FailureInputs",
    "Sizes",
    "SpikeTuning",
    "availability_study",
    "bill_of_materials",
    "detection_figure",
    "environment_sizes",
    "estimate_cost",
    "failure_scenarios",
    "fault_study",
    "reschedule_figure",
    "spike_run",
    "stream_failure_scenarios",
    "tune_for_spike",
]

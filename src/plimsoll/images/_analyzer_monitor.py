"""A monitoring execution: profile the window, check it against the baseline, report.

Steps (spec §3): baseline files -> current data (capture records of the window, or dataset
files for batch-transform / plain data) -> profile -> statistics.json and constraints.json of
the window -> violations against the baseline -> constraint_violations.json -> metric file ->
``post_analytics_processor_script``.

Baseline: feature names come from the baseline statistics (in order), else from the
constraints; capture columns are named by position after them (label first). Without
constraints but with statistics, features are checked for their statistics' types and drift
only (no completeness or domain constraints exist to check). Without either, nothing is
checked: the execution profiles the window and reports no violations.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from plimsoll.compat.analyzer_config import AnalyzerConfig, AnalyzerConfigError
from plimsoll.compat.monitor_files import profile_result_from_statistics, to_statistics_json
from plimsoll.compat.preprocess import Preprocessor, run_postprocess
from plimsoll.compat.violations_file import checks_config_from_constraints
from plimsoll.engines.checks import ChecksConfig, FeatureChecks, Violation, run_checks
from plimsoll.engines.profile import (
    ProfileResult,
    ProfileState,
    finalize,
    profile_batch,
    suggest_constraints,
)
from plimsoll.errors import InsufficientData
from plimsoll.images._analyzer_outputs import (
    drift_distances,
    metrics_enabled,
    write_metrics,
    write_outputs,
    write_report,
)
from plimsoll.images._analyzer_read import Exclusions, capture_input, dataset_state
from plimsoll.images._analyzer_shard import Part, dataset_part, shared_state, state_part
from plimsoll.images._host_merge import HostExchange

logger = logging.getLogger("DefaultDataAnalyzer")

__all__ = ["Baseline", "load_baseline", "run_monitoring"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Baseline:
    """The baseline files of the execution (either may be absent)."""

    statistics: ProfileResult | None = None
    constraints: dict[str, Any] | None = None

    def feature_names(self) -> list[str] | None:
        """Baseline feature names in order (label first), or None without baseline files."""
        if self.statistics is not None:
            return [c.name for c in self.statistics.columns]
        if self.constraints is not None:
            return [str(f.get("name")) for f in self.constraints.get("features") or []]
        return None

    def checks_config(self) -> ChecksConfig | None:
        """What to check, or None when there is nothing to check against."""
        if self.constraints is not None:
            return checks_config_from_constraints(self.constraints)
        if self.statistics is not None:
            return ChecksConfig(
                features=tuple(
                    FeatureChecks(name=c.name, inferred_type=c.inferred_type)
                    for c in self.statistics.columns
                )
            )
        return None


def _read_json(key: str, path: Path) -> Mapping[str, Any]:
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AnalyzerConfigError(f"{key} file {path} does not exist") from None
    except ValueError as exc:
        raise AnalyzerConfigError(f"{key} file {path} is not valid JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise AnalyzerConfigError(f"{key} file {path} does not hold a JSON object")
    return body


def load_baseline(config: AnalyzerConfig) -> Baseline:
    """Reads ``baseline_statistics`` and ``baseline_constraints`` when set.

    Raises:
        AnalyzerConfigError: a file is missing or not a data-quality file.
    """
    statistics = constraints = None
    stats_path = config.get("baseline_statistics")
    if stats_path:
        try:
            statistics = profile_result_from_statistics(
                _read_json("baseline_statistics", Path(stats_path))
            )
        except ValueError as exc:
            if isinstance(exc, AnalyzerConfigError):
                raise
            raise AnalyzerConfigError(
                f"baseline_statistics {stats_path} is not a data-quality statistics file: {exc}"
            ) from exc
    constraints_path = config.get("baseline_constraints")
    if constraints_path:
        constraints = dict(_read_json("baseline_constraints", Path(constraints_path)))
    return Baseline(statistics=statistics, constraints=constraints)


def _window(config: AnalyzerConfig) -> tuple[datetime, datetime] | None:
    start, end = config.get("start_time"), config.get("end_time")
    if not start or not end:
        return None
    try:
        return (
            datetime.fromisoformat(str(start).replace("Z", "+00:00")),
            datetime.fromisoformat(str(end).replace("Z", "+00:00")),
        )
    except ValueError as exc:
        raise AnalyzerConfigError(
            f"start_time/end_time must be YYYY-MM-DDTHH:MM:SSZ: {start!r}, {end!r}"
        ) from exc


def _current_state(
    config: AnalyzerConfig, names: list[str] | None, exclusions: Exclusions, exchange: HostExchange
) -> ProfileState | None:
    """The profile of the current data; None on a worker host (its part went to the primary)."""
    if config.capture_index_names() is None:
        if not exchange.distributed:
            return dataset_state(config, feature_names=names, exclusions=exclusions)
        return shared_state(
            exchange, config, lambda files: dataset_part(config, files, names, exclusions)
        )
    script = config.get("record_preprocessor_script")
    preprocessor = Preprocessor.load(Path(script)) if script else None

    def read(files: list[Path] | None) -> ProfileState:
        found = capture_input(
            config,
            feature_names=names,
            window=_window(config),
            preprocessor=preprocessor,
            exclusions=exclusions,
            files=files,
        )
        return profile_batch(found.table)

    if not exchange.distributed:
        return read(None)

    def part(files: list[Path]) -> Part:
        try:
            return state_part(read(files), files[0] if files else None)
        except InsufficientData as exc:
            return Part(no_data=exc.message)

    return shared_state(exchange, config, part)


def _without_excluded(
    checks: ChecksConfig, names: Sequence[str], exclusions: Exclusions
) -> tuple[ChecksConfig, list[str]]:
    """Leaves excluded baseline features out of the checks, as their columns were dropped."""
    if not exclusions:
        return checks, list(names)
    kept = [f for i, f in enumerate(checks.features) if not exclusions.excludes(i, f.name)]
    return replace(checks, features=tuple(kept)), [f.name for f in kept]


def run_monitoring(config: AnalyzerConfig, exchange: HostExchange) -> list[Violation] | None:
    """Runs the execution ``config`` describes; its violations (outputs already written).

    With more than one host, a worker profiles its part of the data, sends it to the primary
    and returns None; the primary checks and writes everything.

    Raises:
        InsufficientData: no data in the window.
        EngineError: encoding mismatch, failing pre- or post-processing script.
        AnalyzerConfigError: bad baseline files, window or dataset_format.
    """
    baseline = load_baseline(config)
    names = baseline.feature_names()
    exclusions = Exclusions.parse(config.get("exclude_features_attribute"))
    state = _current_state(config, names, exclusions, exchange)
    if state is None:
        return None
    current = finalize(state)
    logger.info(
        "The number of rows in the dataframe is %d; the number of columns is %d",
        current.item_count,
        len(current.columns),
    )
    checks = baseline.checks_config()
    violations: list[Violation] = []
    drift: dict[str, float] = {}
    if checks is not None:
        checks, checked_names = _without_excluded(checks, names or [], exclusions)
        violations = run_checks(baseline.statistics, checks, state)
        drift = drift_distances(
            baseline.statistics, checked_names, current, checks.comparison_method
        )
    logger.info("Number of violations: %d", len(violations))
    write_outputs(
        Path(config.get("output_path")),
        current=current,
        suggestion=suggest_constraints(current),
        violations=violations,
    )
    write_report(
        Path(config.get("output_path")),
        config=config,
        current=current,
        violations=violations,
        baseline_statistics=(
            None if baseline.statistics is None else to_statistics_json(baseline.statistics)
        ),
    )
    if metrics_enabled(config, baseline.constraints):
        write_metrics(config, current, drift)
    script = config.get("post_analytics_processor_script")
    if script:
        logger.info("Running post_analytics_processor_script %s", script)
        run_postprocess(Path(script))
    return violations

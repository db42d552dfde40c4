"""Event logs copied from Spark's event dir into the job's output dir."""

from __future__ import annotations

from pathlib import Path

from plimsoll.images._spark_event_logs import EventLogCopier, event_log_confs


def test_copies_strip_inprogress_and_follow_changes(tmp_path: Path) -> None:
    source, target = tmp_path / "events", tmp_path / "out"
    copier = EventLogCopier(source, target, period=3600)
    copier.start()
    (source / "app-1.inprogress").write_text("start\n")
    copier.copy_once()
    assert (target / "app-1").read_text() == "start\n"
    (source / "app-1.inprogress").rename(source / "app-1")
    (source / "app-1").write_text("start\nend\n")
    copier.stop()
    assert sorted(p.name for p in target.iterdir()) == ["app-1"]
    assert (target / "app-1").read_text() == "start\nend\n"


def test_the_spark_properties_point_at_the_dir(tmp_path: Path) -> None:
    assert event_log_confs(tmp_path) == {
        "spark.eventLog.enabled": "true",
        "spark.eventLog.dir": f"file://{tmp_path}",
    }

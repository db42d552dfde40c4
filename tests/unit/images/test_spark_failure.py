"""The failure message taken from Spark's output."""

from __future__ import annotations

from plimsoll.images._spark_failure import error_summary, fit

PYTHON_ERROR = """\
26/11/22 05:20:22 WARN Utils: Your hostname resolves to a loopback address
26/11/22 05:20:24 INFO SparkContext: Running Spark version 3.5.9
Traceback (most recent call last):
  File "/tmp/first.py", line 1, in <module>
KeyError: 'handled earlier'
COUNT 100
Traceback (most recent call last):
  File "/opt/ml/processing/input/code/app.py", line 5, in <module>
    raise ValueError("boom here")
ValueError: boom here
26/11/22 05:20:31 INFO SparkContext: Successfully stopped SparkContext
26/11/22 05:20:31 INFO ShutdownHookManager: Shutdown hook called
"""

JAVA_ERROR = """\
26/11/22 05:20:37 WARN Utils: Set SPARK_LOCAL_IP if you need to bind to another address
26/11/22 05:20:37 ERROR Executor: Exception in task 0.0
java.lang.IllegalStateException: bad state
\tat example.Main.run(Main.java:10)
\tat example.Main.main(Main.java:3)
\t... 4 more
Error: Failed to load class com.Nope.
26/11/22 05:20:37 INFO ShutdownHookManager: Shutdown hook called
"""


def test_the_last_python_traceback_is_kept_without_log_lines() -> None:
    assert error_summary(PYTHON_ERROR.splitlines()) == (
        "Traceback (most recent call last):\n"
        '  File "/opt/ml/processing/input/code/app.py", line 5, in <module>\n'
        '    raise ValueError("boom here")\n'
        "ValueError: boom here"
    )


def test_error_lines_are_kept_and_frames_and_info_dropped() -> None:
    assert error_summary(JAVA_ERROR.splitlines()) == (
        "26/11/22 05:20:37 ERROR Executor: Exception in task 0.0\n"
        "java.lang.IllegalStateException: bad state\n"
        "Error: Failed to load class com.Nope."
    )


def test_long_output_is_cut_from_the_front_to_the_budget() -> None:
    lines = [f"line {i} " + "é" * 50 for i in range(100)]
    summary = error_summary(lines, budget=300)
    assert len(summary.encode("utf-8")) <= 300
    assert summary.startswith("...")
    assert summary.endswith(lines[-1])
    assert fit("short") == "short"


def test_a_missing_dependency_warning_is_kept() -> None:
    lines = [
        "26/11/22 05:20:38 WARN NativeCodeLoader: Unable to load native-hadoop library",
        "26/11/22 05:20:38 WARN DependencyUtils: Local jar /nope.jar does not exist, skipping.",
        "Error: Failed to load class com.Nope.",
    ]
    assert error_summary(lines) == "\n".join(lines[1:])

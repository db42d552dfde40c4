"""Model Monitor classes of the facade (``sagemaker.model_monitor``).

Import them from ``plimsoll.model_monitor``; each is defined once in a module of this package.
"""

from __future__ import annotations

from plimsoll.sdk.model_monitor.data_capture_config import DataCaptureConfig

__all__ = ["DataCaptureConfig"]

"""``NetworkConfig``: the NetworkConfig part of a job request (``sagemaker.network``)."""

from __future__ import annotations

from typing import Any


class NetworkConfig:
    """Mirrors `sagemaker.network.NetworkConfig`.

    Plimsoll records the settings and echoes them in DescribeProcessingJob; jobs run on the
    local machine, so VPC settings have no effect (see docs/compat.md).

    Args:
        enable_network_isolation: Whether to cut the job off from the network.
        security_group_ids: VPC security group ids.
        subnets: VPC subnet ids.
        encrypt_inter_container_traffic: Whether traffic between hosts is encrypted.
    """

    def __init__(
        self,
        enable_network_isolation: bool = False,
        security_group_ids: list[str] | None = None,
        subnets: list[str] | None = None,
        encrypt_inter_container_traffic: bool | None = None,
    ) -> None:
        self.enable_network_isolation = enable_network_isolation
        self.security_group_ids = security_group_ids
        self.subnets = subnets
        self.encrypt_inter_container_traffic = encrypt_inter_container_traffic

    def _to_request_dict(self) -> dict[str, Any]:
        request: dict[str, Any] = {"EnableNetworkIsolation": self.enable_network_isolation}
        if self.encrypt_inter_container_traffic is not None:
            request["EnableInterContainerTrafficEncryption"] = self.encrypt_inter_container_traffic
        if self.security_group_ids is not None or self.subnets is not None:
            request["VpcConfig"] = {
                "SecurityGroupIds": self.security_group_ids,
                "Subnets": self.subnets,
            }
        return request

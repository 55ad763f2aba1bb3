"""Work in progress: the HSDS 3.0 API is written in this change."""

from ninja import NinjaAPI

hsds_api = NinjaAPI(title="InterAzioni HSDS 3.0", version="3.0", urls_namespace="hsds")

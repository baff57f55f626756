from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response


class ItemsPagination(LimitOffsetPagination):
    """Lists as {"items": [...]} with limit/offset, as the ModI REST guidelines ask."""

    default_limit = 50
    max_limit = 500

    def get_paginated_response(self, data):
        return Response(
            {"count": self.count, "limit": self.limit, "offset": self.offset, "items": data}
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "limit", "offset", "items"],
            "properties": {
                "count": {"type": "integer"},
                "limit": {"type": "integer"},
                "offset": {"type": "integer"},
                "items": schema,
            },
        }

"""Container health check: GET /api/v1/status on this container's gunicorn; healthy on 200.

The request is made as the proxy makes it (HTTPS already terminated), so the HTTPS redirect
does not answer it. A worker without heartbeat is reported in the body ("degraded") but does
not make the application unhealthy: pages still work.
"""

import sys
import urllib.request

request = urllib.request.Request(
    "http://127.0.0.1:8000/api/v1/status",
    headers={"Host": "127.0.0.1", "X-Forwarded-Proto": "https"},
)
try:
    with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310 - fixed URL
        sys.exit(0 if response.status == 200 else 1)
except OSError as error:
    print(f"unhealthy: {error}", file=sys.stderr)
    sys.exit(1)

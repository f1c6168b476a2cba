"""Watching a running bot from outside: `/healthz`, `/readyz` and `/metrics`.

`metrics.py` holds the Prometheus figures, `measured.py` the wrappers that count sends and
time ticks without the engine knowing, `readiness.py` what "ready" means, and `listener.py`
the small HTTP server that answers all three on an address of its own.
"""

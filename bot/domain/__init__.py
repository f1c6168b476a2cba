"""The inner layer: what briefbot is about, in plain values and pure functions.

Addresses and chat kinds, the clock, delivery-time arithmetic and the due planner, and the
delivery queue's records. Nothing here imports anything else of ours (`tests/unit/
test_layers.py` checks it), so the store, the core and the delivery engine can all stand on it.
"""

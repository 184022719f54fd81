"""A local stand-in for Kroger's public API, mounted at /sandbox/kroger/ when KROGER_SANDBOX is on.

It speaks Kroger's /v1 protocol (kroger-api.md §10): OAuth authorize (a SANDBOX consent page
with test shoppers from data/shoppers.json) and token, identity profile, products (catalogue
in data/catalogue.txt), locations (data/locations.json) and cart add. State lives in the
"sandbox" cache through `store` (no models, no migrations): shared by every worker on Redis
(CACHE_URL=redis://), per process otherwise. Sandbox-only helpers:

- `GET /sandbox/kroger/cart` (HTML, or `?format=json`): every test shopper's cart.
- `POST /sandbox/kroger/_faults` with `{"endpoint": "products", "latency_ms": 150, ...}`;
  `DELETE` clears. The same from Python: `store.set_fault(...)`, `store.clear_faults()`.
- `store.set_drift(True)`: real-world payload drift for parsing tests.
- `store.set_daily_limit(endpoint, n)`: reach a daily limit (429) in a few calls.
- data/payloads/*.json: canonical responses for parsing tests, regenerated from the sandbox by
  `SANDBOX_WRITE_PAYLOADS=1 pytest tests/kroger/test_sandbox_payloads.py`.
"""

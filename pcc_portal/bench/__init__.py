"""`make bench`: the public pages measured beside a bare Django view on the same gunicorn.

`run.py` prepares a database with the demo data, serves the portal with gunicorn under the bench
settings (`pcc_portal.settings.bench`: production settings plus the bare view of `urls.py`),
loads each page for a fixed time and writes the figures into `docs/benchmarks.md`.
"""

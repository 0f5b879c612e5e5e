"""The load test of issue 16 §3: locust (headless) against `bianzhi serve`
on PostgreSQL. `python -m bench.load --label before|after` (or `make load`)."""

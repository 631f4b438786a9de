"""Fixtures of the end-to-end tests: `demo_factory` starts scripts/demo for real."""

from tests.e2e.demo import demo_factory

__all__ = ["demo_factory"]

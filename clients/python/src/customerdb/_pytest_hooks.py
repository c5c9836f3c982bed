"""The hook the pytest plugin calls (customerdb.pytest_plugin): imported by pytest only."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

if TYPE_CHECKING:
    from .client import CustomerDb

_F = TypeVar("_F", bound=Callable[..., Any])
# pytest's marker, typed (older pluggy releases leave it untyped).
_hookspec: Callable[[_F], _F] = pytest.hookspec


@_hookspec
def pytest_customerdb_setup(db: CustomerDb, config: pytest.Config) -> None:
    """Loads the data every test starts from into ``db``, once per session (per worker under
    pytest-xdist), before the plugin marks it. Every implementation is called (each conftest.py
    may load its part); an exception fails every test that uses the store."""

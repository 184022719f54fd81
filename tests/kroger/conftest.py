"""Fixtures for the Kroger client tests."""

import pytest
import responses


@pytest.fixture
def http():
    """Kroger faked at the HTTP boundary: register the answers a test needs with `http.add(...)`."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock

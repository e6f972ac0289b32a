"""A real board listening on port 0, shared by the tests of one module."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from tests.conftest import cheap_settings


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def live_board(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Any]:
    from retroboard.app import Board

    data: Path = tmp_path_factory.mktemp("board")
    board = Board(cheap_settings(data))
    await board.start()
    try:
        yield board
    finally:
        await board.stop()

"""Settings for service tests: cheap password hashing, a fixed domain, no default groups."""

from __future__ import annotations

from retroboard.config import Settings

SERVICE_SETTINGS = Settings(
    argon2_time_cost=1,
    argon2_memory_kib=1024,
    argon2_parallelism=1,
    domain="test.example",
    default_groups="",
)

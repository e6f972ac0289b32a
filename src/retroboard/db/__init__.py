"""Storage: engine and pragmas, ORM tables, alembic migrations — the only code that speaks SQL."""

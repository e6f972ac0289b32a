"""Services: plain async methods over the database that return domain dataclasses."""

"""Domain: dataclasses, rules and errors shared by every layer (standard library only)."""

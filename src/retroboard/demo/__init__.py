"""The classroom demo board: period content (CC0) and the seeding that loads it."""

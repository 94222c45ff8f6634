"""Statistics has no tables of its own yet: reports read the register and follow-ups."""

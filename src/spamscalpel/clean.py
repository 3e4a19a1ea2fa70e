"""Cut reported spans out of the caller's text. INTERIM placeholder until the real cleaner lands."""

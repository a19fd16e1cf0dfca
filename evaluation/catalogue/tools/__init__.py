"""Development tools for the catalogue data (not used at run time)."""

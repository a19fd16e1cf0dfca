"""Plans, targets and indicators."""

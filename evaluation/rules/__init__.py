"""Pure business rules of the evaluation app (no database, no Django)."""

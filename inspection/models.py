"""Inspections and violations."""

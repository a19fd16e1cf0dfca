"""Traceability stamps."""

"""Training and communication."""

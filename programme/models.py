"""Ideas, business plans and support funding."""

"""insights stage."""

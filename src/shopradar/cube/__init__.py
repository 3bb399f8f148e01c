"""cube stage."""

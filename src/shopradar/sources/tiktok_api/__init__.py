"""tiktok_api stage."""

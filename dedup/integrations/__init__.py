"""Integrations with crawling frameworks (optional extras)."""

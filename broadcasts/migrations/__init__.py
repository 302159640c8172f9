"""Alembic migrations of Loa's schema."""

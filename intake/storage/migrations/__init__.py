"""Alembic migrations for the Helix schema, shipped inside the package.

`intake.storage.db.upgrade_database(url)` runs them programmatically; there is no repo-root
alembic.ini, so the migrations work the same from a checkout, an installed wheel or a test.
"""

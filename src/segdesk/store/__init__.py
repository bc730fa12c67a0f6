"""The local store: tables, the engine factory, schema migrations, and a quick reader.

Kept free of imports so that `segdesk.store.quick_read` loads without SQLAlchemy.
"""

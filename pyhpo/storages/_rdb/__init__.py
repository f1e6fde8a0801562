"""The relational-database backend: RDBStorage on SQLAlchemy 2, schema shared with Optuna."""

"""Alembic environment: runs on the connection the platform hands it (see ``survey.db``)."""
from alembic import context

from survey.core.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                  compare_type=True)
with context.begin_transaction():
    context.run_migrations()

"""Signals of the toolkit."""

from django.dispatch import Signal

# Sent with `objects` (instances of `sender`, with their primary keys) after rows are
# inserted or updated in bulk, which sends no post_save: what is derived from those rows
# (stored compliance) listens to both.
bulk_written = Signal()

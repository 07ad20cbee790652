"""What a change to cards does: a semantic diff of card versions, of catalogs between git revisions, and of metrics
across a model's versions. Pure, but for reading revisions with git (``revisions.py``)."""

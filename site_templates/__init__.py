"""Built-in Jinja templates of the catalog pages (a package, so importlib.resources finds it installed or editable)."""

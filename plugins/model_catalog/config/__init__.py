"""Configuration: the plugin's options, one definition each, read from mkdocs.yml with or without MkDocs."""

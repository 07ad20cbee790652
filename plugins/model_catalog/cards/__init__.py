"""Cards: reading, validating and holding one card and a catalog of them. The core: no I/O tricks, no MkDocs."""

"""The catalog's part of a site: pages and their URLs, the views the templates show, charts and HTML."""

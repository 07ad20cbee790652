"""Keeping catalog pages out of a site's search index and sitemap, once the plugins that write them have.

Material's search honours a page's ``search: exclude``; MkDocs' own search plugin (the one Backstage's TechDocs
runs by default) does not, and other search plugins have their own switches. What every one of them that MkDocs
sites use writes is the same file, ``search/search_index.json`` (``{"config": ..., "docs": [{"location": ...}]}``),
which Material's ``offline`` plugin copies into ``search/search_index.js``; Backstage reads the JSON too. Taking
the entries out of those files, once every plugin has written them, is the one means all of them honour.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

from model_catalog._infra.atomicfile import replace_file

INDEX_JSON = Path("search", "search_index.json")
INDEX_SCRIPT = Path("search", "search_index.js")
_SCRIPT_START = "var __index = "
"""How Material's offline plugin inlines the index into a script."""


def drop_from_search_index(site_dir: Path, urls: Collection[str]) -> int:
    """Remove the entries of the pages at ``urls`` (relative to the site root, as MkDocs writes locations) and of
    their sections from the site's search index files; returns how many entries went. Files that are not there,
    or not in the known format, are left as they are."""
    if not urls:
        return 0
    wanted = set(urls)
    dropped = 0
    for relative, prefix in ((INDEX_JSON, ""), (INDEX_SCRIPT, _SCRIPT_START)):
        path = site_dir / relative
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            continue
        if not text.startswith(prefix):
            continue
        try:
            index = json.loads(text[len(prefix) :])
        except ValueError:
            continue
        docs = index.get("docs") if isinstance(index, dict) else None
        if not isinstance(docs, list):
            continue
        kept = [doc for doc in docs if not _location_in(doc, wanted)]
        if len(kept) == len(docs):
            continue
        dropped += len(docs) - len(kept)
        index["docs"] = kept
        text = prefix + json.dumps(index, ensure_ascii=False, separators=(",", ":"))
        replace_file(path, text.encode("utf-8"), mode=0o644)
    return dropped


def _location_in(doc: object, urls: set[str]) -> bool:
    if not isinstance(doc, dict):
        return False
    location = doc.get("location")
    if not isinstance(location, str):
        return False
    return location.partition("#")[0].lstrip("/") in urls


_SITEMAP_URL = re.compile(r"\s*<url>\s*<loc>([^<]*)</loc>.*?</url>", re.DOTALL)


def drop_from_sitemap(xml: str, urls: Collection[str], site_url: str | None) -> str:
    """``xml`` (a sitemap as MkDocs' template writes it) without the entries of the pages at ``urls``."""
    if not urls:
        return xml
    wanted = {urljoin(site_url, url) for url in urls} if site_url else {"/" + url for url in urls}
    return _SITEMAP_URL.sub(lambda match: "" if unescape(match.group(1)) in wanted else match.group(0), xml)

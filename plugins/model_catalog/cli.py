"""The ``model-catalog`` command: a thin shell over the core."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path
from typing import Callable, Sequence

from .errors import format_github, format_json, format_text
from .loader import load_catalog, read_card, display_path
from .new_card import render_new_card
from .schema import CardSchema, SchemaError
from .settings import CatalogSettings, SettingsError, read_mkdocs_settings
from .validate import Validation

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
_SLUG = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")


class UsageError(Exception):
    """Bad arguments or configuration: exit code 2."""


def _settings(args: argparse.Namespace) -> CatalogSettings:
    config = Path(args.config)
    if config.is_file():
        return read_mkdocs_settings(config)
    if args.config != "mkdocs.yml":
        raise UsageError(f"{config}: no such file")
    return CatalogSettings(base_dir=Path.cwd())


def _schema(settings: CatalogSettings) -> CardSchema:
    return CardSchema.load(settings.schema_extension_path)


def cmd_validate(args: argparse.Namespace) -> int:
    settings = _settings(args)
    paths = [Path(p) for p in args.paths] or [settings.cards_path]
    catalog = load_catalog(paths, schema=_schema(settings), max_bytes=settings.max_card_bytes,
                           context=settings.cards_path if args.paths else None)
    if args.format == "json":
        print(format_json(catalog.errors))
    elif args.format == "github":
        if catalog.errors:
            print(format_github(catalog.errors))
    else:
        if catalog.errors:
            print(format_text(catalog.errors))
        files = len({error.file for error in catalog.errors})
        if catalog.errors:
            noun = "error" if len(catalog.errors) == 1 else "errors"
            print(f"{len(catalog.errors)} {noun} in {files} file(s); {len(catalog)} card(s) valid", file=sys.stderr)
        else:
            print(f"{len(catalog)} card(s) valid", file=sys.stderr)
    return EXIT_INVALID if catalog.errors else EXIT_OK


def _git_owner() -> dict[str, str] | None:
    def read(key: str) -> str:
        try:
            done = subprocess.run(["git", "config", key], capture_output=True, text=True, timeout=5)
        except (OSError, subprocess.SubprocessError):
            return ""
        return done.stdout.strip()

    name, email = read("user.name"), read("user.email")
    return {"name": name, "email": email} if name and email else None


def _parse_owner(text: str, team: str | None) -> dict[str, str]:
    match = re.fullmatch(r"\s*(.+?)\s*<([^<>@\s]+@[^<>\s]+)>\s*", text)
    if not match:
        raise UsageError(f"--owner {text!r}: write it as \"Full Name <email@example.com>\"")
    owner = {"name": match[1], "email": match[2]}
    if team:
        owner["team"] = team
    return owner


def cmd_new(args: argparse.Namespace) -> int:
    if not _SLUG.fullmatch(args.id):
        raise UsageError(f"{args.id!r} is not a valid id: use lowercase letters, digits and hyphens, 1 to 63 characters")
    settings = _settings(args)
    cards_dir = Path(args.cards_dir) if args.cards_dir else settings.cards_path
    owners = [_parse_owner(text, args.team) for text in args.owner]
    if not owners:
        owner = _git_owner()
        if owner is None:
            raise UsageError("no owner: pass --owner \"Full Name <email>\" (or set git's user.name and user.email)")
        if args.team:
            owner["team"] = args.team
        owners = [owner]
    target = cards_dir / args.id / f"{args.version}.yaml"
    if target.exists() and not args.force:
        raise UsageError(f"{display_path(target)} already exists; pass --force to overwrite it")
    schema = _schema(settings)
    text = render_new_card(schema, model_id=args.id, name=args.name or args.id.replace("-", " ").title(),
                           version=args.version, owners=owners)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    _, errors = read_card(temporary, Validation(schema), source=display_path(target))
    if errors:
        temporary.unlink()
        raise UsageError("the new card would not validate:\n" + format_text(errors))
    temporary.replace(target)
    print(display_path(target))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="model-catalog", description="Validate, review and publish model cards.")
    parser.add_argument("--config", default="mkdocs.yml", help="the MkDocs configuration to read the plugin's options from (default: mkdocs.yml)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check cards; exit 1 when any is invalid")
    validate.add_argument("paths", nargs="*", metavar="PATH", help="card files or folders (default: cards_dir from mkdocs.yml)")
    validate.add_argument("--format", choices=["text", "github", "json"], default="text",
                          help="text (file:line:col: field: message), github (workflow commands) or json")
    validate.set_defaults(handler=cmd_validate)

    new = commands.add_parser("new", help="write a draft card with every section to fill in")
    new.add_argument("id", help="the model's id: lowercase letters, digits and hyphens")
    new.add_argument("--name", help="human-readable name (default: from the id)")
    new.add_argument("--version", default="0.1.0", help="the model version (default: 0.1.0)")
    new.add_argument("--owner", action="append", default=[], metavar='"NAME <EMAIL>"', help="an owner; repeat for several (default: git's user)")
    new.add_argument("--team", help="the owners' team")
    new.add_argument("--cards-dir", help="where cards live (default: cards_dir from mkdocs.yml)")
    new.add_argument("--force", action="store_true", help="overwrite an existing card")
    new.set_defaults(handler=cmd_new)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except (UsageError, SettingsError, SchemaError) as exc:
        print(f"model-catalog: {exc}", file=sys.stderr)
        return EXIT_USAGE

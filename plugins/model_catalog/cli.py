"""The ``model-catalog`` command: a thin shell over the core."""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from model_catalog._infra.atomicfile import replace_file
from model_catalog._infra.cache_folder import CacheError
from model_catalog._infra.git import GitError
from model_catalog._version import __version__
from model_catalog.authoring import CardExistsError, create_model_card, git_owner
from model_catalog.cards.loader import display_path, read_card
from model_catalog.cards.schema import CardSchema
from model_catalog.cards.validation import validation_for
from model_catalog.check import CheckedCatalog, check_cards
from model_catalog.config.mkdocs_yml import find_settings
from model_catalog.config.settings import TRUST_BASE_VARIABLE, CatalogSettings, SettingsError
from model_catalog.errors import CatalogError, SchemaError, format_github, format_json, format_text, printable
from model_catalog.formats import EXPORTERS
from model_catalog.formats.importing import ImportedDraft
from model_catalog.formats.json_schema import card_json_schema
from model_catalog.review.approve import ApprovalRefused, add_approval
from model_catalog.review.status import status_rows

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
IMPORT_FORMATS = ["huggingface", "mlflow", "mct", "cyclonedx"]
"""The formats ``import`` reads (formats.IMPORTERS, which the command does not import until it runs; ``mlflow``
reads runs, not files: formats/mlflow/)."""
_SLUG = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")


class UsageError(Exception):
    """Bad arguments or configuration: exit code 2."""


def _settings(args: argparse.Namespace) -> CatalogSettings:
    return find_settings(args.config)


def _schema(settings: CatalogSettings) -> CardSchema:
    return CardSchema.load(settings.schema_extension_path)


def _paths(texts: list[str]) -> list[Path]:
    """The card files or folders named on the command line, each checked to exist."""
    paths = []
    for text in texts:
        if not text.strip():
            raise UsageError("an empty path was given; name card files or folders, or none for cards_dir")
        path = Path(text)
        if not path.exists():
            raise UsageError(f"{text}: no such file or folder")
        paths.append(path)
    return paths


def _check(args: argparse.Namespace) -> CheckedCatalog:
    settings = _settings(args)
    paths = _paths(args.paths) or None
    workers = os.cpu_count() or 1
    from model_catalog.revisions import judged_by, trust_revision

    revision = trust_revision(settings, getattr(args, "trust_base", None))
    try:
        with judged_by(settings, args.config, revision) as judgement:
            if judgement.base:
                print(f"model-catalog: judged by the rules of {judgement.base}", file=sys.stderr)
            return check_cards(
                judgement.settings,
                paths,
                schema=_schema(judgement.settings),
                workers=workers,
                authors=judgement.authors,
                exclude=judgement.exclude,
                registry_source=judgement.registry_source,
            )
    except GitError as exc:
        raise UsageError(f"trusted base {revision}: {exc}") from None


def cmd_validate(args: argparse.Namespace) -> int:
    checked = _check(args)
    problems, blocking = checked.errors, checked.blocking
    if args.format == "json":
        print(format_json(problems))
    elif args.format == "github":
        if problems:
            print(format_github(problems))
    else:
        if problems:
            print(format_text(problems))
        valid = len(checked.catalog)
        if blocking:
            noun = "error" if len(blocking) == 1 else "errors"
            files = len({error.file for error in blocking})
            print(f"{len(blocking)} {noun} in {files} file(s)", file=sys.stderr)
        else:
            counts = Counter(problem.severity for problem in problems)
            warned = "".join(f", {count} {severity}(s)" for severity, count in sorted(counts.items()))
            print(f"{valid} card(s) valid{warned}", file=sys.stderr)
    return EXIT_INVALID if blocking else EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    checked = _check(args)
    rows = status_rows(checked.catalog.cards, checked.reviews)
    if args.format == "json":
        print(json.dumps([dataclasses.asdict(row) for row in rows], indent=2, ensure_ascii=False))
    else:
        for row in rows:
            print(row.text())
        broken = [error for error in checked.catalog.errors if error.severity == "error"]
        if broken:
            files = sorted({error.file for error in broken})
            print(
                f"{len(files)} card file(s) invalid ({', '.join(map(printable, files[:3]))}"
                f"{', ...' if len(files) > 3 else ''}); run `model-catalog validate`",
                file=sys.stderr,
            )
    return EXIT_INVALID if checked.blocking else EXIT_OK


def cmd_approve(args: argparse.Namespace) -> int:
    path = Path(args.card)
    try:
        approval = add_approval(
            path,
            approver=args.approver,
            role=args.role,
            settings=_settings(args),
            date=args.date,
            key=Path(args.key) if args.key else None,
        )
    except ApprovalRefused as exc:
        raise UsageError(str(exc)) from None
    signed = " (signed)" if "signature" in approval else ""
    print(f"{display_path(path)}: approved by {args.approver} as {args.role} on {approval['date']}{signed}")
    return EXIT_OK


def _parse_owner(text: str, team: str | None) -> dict[str, str]:
    match = re.fullmatch(r"\s*(.+?)\s*<([^<>@\s]+@[^<>\s]+)>\s*", text)
    if not match:
        raise UsageError(f'--owner {text!r}: write it as "Full Name <email@example.com>"')
    owner = {"name": match[1], "email": match[2]}
    if team:
        owner["team"] = team
    return owner


def _owners(args: argparse.Namespace) -> list[dict[str, str]]:
    owners = [_parse_owner(text, args.team) for text in args.owner]
    if not owners:
        owner = git_owner()
        if owner is None:
            raise UsageError('no owner: pass --owner "Full Name <email>" (or set git\'s user.name and user.email)')
        owners = [{**owner, "team": args.team} if args.team else owner]
    return owners


def _cards_dir(args: argparse.Namespace, settings: CatalogSettings) -> Path:
    cards_dir = Path(args.cards_dir) if args.cards_dir else settings.cards_path
    if args.cards_dir and not cards_dir.is_dir():
        what = "is not a folder" if cards_dir.exists() else "does not exist"
        raise UsageError(f"{args.cards_dir} {what}; give the folder the cards live in (create it first if it is new)")
    if cards_dir.exists() and not cards_dir.is_dir():
        raise UsageError(f"cards_dir {display_path(cards_dir)} is not a folder; fix cards_dir in the configuration")
    return cards_dir


def _create(args: argparse.Namespace, model_info: dict[str, Any]) -> int:
    settings = _settings(args)
    cards_dir = _cards_dir(args, settings)
    try:
        card = create_model_card(
            model_info, cards_dir, owners=_owners(args), overwrite=args.force, schema=_schema(settings)
        )
    except (ValueError, CardExistsError) as exc:
        raise UsageError(str(exc)) from None
    except CatalogError as exc:
        raise UsageError("the new card would not validate:\n" + format_text(exc.errors)) from None
    print(display_path(card.path))
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    if not _SLUG.fullmatch(args.id):
        raise UsageError(
            f"{args.id!r} is not a valid id: use lowercase letters, digits and hyphens, 1 to 63 characters"
        )
    return _create(
        args, {"id": args.id, "name": args.name or args.id.replace("-", " ").title(), "version": args.version}
    )


def _read_drafts(args: argparse.Namespace) -> list[ImportedDraft]:
    """The drafts in every source given, by the importer of the format named; refused whole on any problem."""
    from model_catalog.formats import IMPORTERS
    from model_catalog.formats.importing import ImportRefused

    if args.source_format == "mlflow":
        return _read_runs(args)
    if args.tracking_uri:
        raise UsageError("--tracking-uri is for `model-catalog import mlflow`; leave it out when importing files")
    importer = IMPORTERS[args.source_format]
    drafts: list[ImportedDraft] = []
    problems: list[str] = []
    for name in args.sources:
        try:
            text = Path(name).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{name}: cannot read: {getattr(exc, 'strerror', None) or exc}")
            continue
        try:
            drafts.extend(importer(text, name))
        except ImportRefused as exc:
            problems.append(str(exc))
    if problems:
        raise UsageError("nothing imported:\n" + "\n".join(problems))
    return drafts


def _read_runs(args: argparse.Namespace) -> list[ImportedDraft]:
    """The drafts of the MLflow runs given (the sources are run ids), read from the tracking store; refused whole."""
    from model_catalog.formats.importing import ImportRefused
    from model_catalog.formats.mlflow.importer import read_mlflow_runs

    tracking_uri = args.tracking_uri or os.environ.get("MLFLOW_TRACKING_URI")
    if not tracking_uri:
        raise UsageError(
            "no tracking store: pass --tracking-uri URI (such as sqlite:///mlflow.db or http://localhost:5000) "
            "or set MLFLOW_TRACKING_URI"
        )
    # MLflow's defaults retry a server that does not answer for minutes, and draw progress bars on stderr.
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "2")
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    try:
        drafts, problems = read_mlflow_runs(args.sources, tracking_uri)
    except ImportRefused as exc:
        raise UsageError(f"nothing imported: {exc}") from None
    if problems:
        raise UsageError("nothing imported:\n" + "\n".join(problems))
    return drafts


def cmd_import(args: argparse.Namespace) -> int:
    from model_catalog.authoring import prepare_model_card, write_prepared_card
    from model_catalog.formats.importing import assign_ids

    drafts = _read_drafts(args)
    given = {key: getattr(args, key) for key in ("id", "name", "version") if getattr(args, key, None)}
    if given and len(drafts) != 1:
        raise UsageError(f"--{next(iter(given))} names one card, and the sources hold {len(drafts)}; leave it out")
    for draft in drafts:
        draft.data.update(given)
    collisions = assign_ids(drafts)
    if collisions:
        raise UsageError("nothing imported, the ids collide:\n" + "\n".join(collisions))
    settings = _settings(args)
    cards_dir = _cards_dir(args, settings)
    schema, owners = _schema(settings), _owners(args)
    prepared, problems = [], []
    for draft in drafts:
        try:
            prepared.append(
                prepare_model_card(draft.data, cards_dir, owners=owners, overwrite=args.force, schema=schema)
            )
        except (ValueError, CardExistsError) as exc:
            problems.append(f"{draft.source}: {exc}")
        except CatalogError as exc:
            problems.append(f"{draft.source}: the draft would not validate:\n" + format_text(exc.errors))
    if problems:
        raise UsageError("nothing imported:\n" + "\n".join(problems))
    if len({card.path.resolve() for card in prepared}) != len(prepared):
        raise UsageError("nothing imported: two of the sources make the same card file; import them one by one")
    written = [write_prepared_card(card, schema) for card in prepared]
    if args.format == "json":
        print(
            json.dumps(
                [
                    {
                        "source": draft.source,
                        "card": display_path(card.path),
                        "id": card.id,
                        "version": card.version,
                        "report": [placement.as_json() for placement in draft.report],
                    }
                    for draft, card in zip(drafts, written, strict=True)
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
        return EXIT_OK
    for draft, card in zip(drafts, written, strict=True):
        print(display_path(card.path))
        print(_report_text(draft, display_path(card.path)), file=sys.stderr)
    return EXIT_OK


def _report_text(draft: ImportedDraft, path: str) -> str:
    """A draft's import report for people: the counts, then what was not mapped to a field (the rest is in
    ``--format json``)."""
    counts = Counter(placement.outcome for placement in draft.report)
    lines = [
        f"{draft.source} -> {path}: {counts['mapped']} mapped to fields, {counts['kept']} kept as text, "
        f"{counts['dropped']} dropped"
    ]
    for placement in draft.report:
        if placement.outcome == "mapped":
            continue
        where = f" -> {placement.target}" if placement.target else ""
        reason = f" ({placement.reason})" if placement.reason else ""
        lines.append(f"  {placement.outcome}: {placement.source}{where}{reason}")
    return "\n".join(lines)


def cmd_export(args: argparse.Namespace) -> int:
    settings = _settings(args)
    card, errors = read_card(Path(args.card), validation_for(_schema(settings)), max_bytes=settings.max_card_bytes)
    if card is None:
        raise UsageError("the card is invalid; fix it before exporting it:\n" + format_text(errors))
    try:
        text = EXPORTERS[args.format](card)
    except ValueError as exc:  # SOURCE_DATE_EPOCH that is not a number of seconds
        raise UsageError(f"cannot export: {exc}") from None
    if args.output and args.output != "-":
        output = Path(args.output)
        if output.is_dir():
            raise UsageError(f"--output {args.output} is a folder; give the name of the file to write")
        if not output.absolute().parent.is_dir():
            raise UsageError(f"--output {args.output}: the folder {output.parent} does not exist; create it first")
        try:
            mode = output.stat().st_mode & 0o777 if output.exists() else 0o644
            replace_file(output, text.encode("utf-8"), mode=mode)  # whole or not at all
        except OSError as exc:
            raise UsageError(f"--output {args.output}: cannot write: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    import tempfile

    from model_catalog.changes.report import FORMATS

    settings = _settings(args)
    if args.files:
        diff = _diff_files(args, settings)
    else:
        from model_catalog.revisions import diff_revisions

        with tempfile.TemporaryDirectory(prefix="model-catalog-diff-") as folder:
            try:
                diff = diff_revisions(
                    settings,
                    config=args.config,
                    base=args.base,
                    head=args.head,
                    into=Path(folder),
                    workers=os.cpu_count() or 1,
                )
            except GitError as exc:
                raise UsageError(str(exc)) from None
        if args.paths:
            from model_catalog._infra.git import Repository

            top = Repository(Path.cwd()).top  # sources are paths in the repository
            wanted = [Path(os.path.abspath(path)) for path in _paths(args.paths)]
            diff.cards = [
                entry for entry in diff.cards if _under(top / (entry.new_source or entry.old_source or ""), wanted)
            ]
    sys.stdout.write(FORMATS[args.format](diff))
    return EXIT_OK


def _under(file: Path, wanted: list[Path]) -> bool:
    path = Path(os.path.abspath(file))
    return any(path == folder or path.is_relative_to(folder) for folder in wanted)


def _diff_files(args: argparse.Namespace, settings: CatalogSettings) -> Any:
    """The diff of two card files, as if the first were the base's and the second the head's."""
    from model_catalog.cards.values import build_date
    from model_catalog.changes.catalog_diff import Side, diff_catalogs
    from model_catalog.review.registry import load_registry

    schema = _schema(settings)
    validation = validation_for(schema)
    cards = []
    for name in args.files:
        path = _paths([name])[0]
        card, errors = read_card(path, validation, max_bytes=settings.max_card_bytes)
        if card is None:
            raise UsageError(f"{name} is not a valid card; fix it first:\n" + format_text(errors))
        cards.append(card)
    old, new = cards
    if old.key == new.key:
        new.source = old.source  # the same card version, compared with itself: a modification
    registry = load_registry(settings.registry_path, display_path(settings.registry_path), settings.max_card_bytes)
    # Two versions of one model: the older is in both, so the newer is an added version compared with it.
    head = [old, new] if old.id == new.id and old.key != new.key else [new]
    return diff_catalogs(
        Side(args.files[0], [old], {}),
        Side(args.files[1], head, {}),
        policy=settings.approvals,
        registry=registry,
        schema=schema,
        today=build_date(),
    )


def cmd_schema(args: argparse.Namespace) -> int:
    sys.stdout.write(json.dumps(card_json_schema(_schema(_settings(args))), indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


def _add_creation_options(parser: argparse.ArgumentParser, out: str = "--cards-dir") -> None:
    parser.add_argument(
        "--owner",
        action="append",
        default=[],
        metavar='"NAME <EMAIL>"',
        help="an owner; repeat for several (default: git's user)",
    )
    parser.add_argument("--team", help="the owners' team")
    parser.add_argument(
        out, dest="cards_dir", metavar="DIR", help="where cards live (default: cards_dir from mkdocs.yml)"
    )
    parser.add_argument("--force", action="store_true", help="overwrite an existing card of the same id and version")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="model-catalog", description="Validate, review and publish model cards.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--config",
        help="the MkDocs configuration to read the plugin's options from "
        "(default: mkdocs.yml, or properdocs.yml, in the current folder)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check cards; exit 1 when any is invalid")
    validate.add_argument(
        "paths", nargs="*", metavar="PATH", help="card files or folders (default: cards_dir from mkdocs.yml)"
    )
    validate.add_argument(
        "--format",
        choices=["text", "github", "json"],
        default="text",
        help="text (file:line:col: field: message), github (workflow commands) or json",
    )
    validate.add_argument(
        "--trust-base",
        metavar="REV",
        help="judge approvals by REV's review policy, approvers registry, schema extension and templates (read "
        f"with git), and refuse approvals by the authors of the change; default: ${TRUST_BASE_VARIABLE}",
    )
    validate.set_defaults(handler=cmd_validate)

    status = commands.add_parser("status", help="one line per card version: review state, approvals, what is missing")
    status.add_argument("paths", nargs="*", metavar="PATH", help="card files or folders (default: cards_dir)")
    status.add_argument("--format", choices=["text", "json"], default="text")
    status.add_argument("--trust-base", metavar="REV", help="as for validate")
    status.set_defaults(handler=cmd_status)

    diff = commands.add_parser("diff", help="what a change does to the cards: per card version, changes by class")
    diff.add_argument("paths", nargs="*", metavar="PATH", help="only the cards under these files or folders")
    diff.add_argument(
        "--base",
        metavar="REV",
        help="the revision to compare with (default: the merge-base with origin's default branch)",
    )
    diff.add_argument("--head", metavar="REV", help="the revision to compare (default: the working tree)")
    diff.add_argument(
        "--files", nargs=2, metavar=("OLD", "NEW"), help="compare two card files instead of two revisions"
    )
    diff.add_argument(
        "--format",
        choices=["text", "json", "markdown", "github"],
        default="text",
        help="text, json, markdown (a pull request comment or $GITHUB_STEP_SUMMARY) or github (notices on the lines)",
    )
    diff.set_defaults(handler=cmd_diff)

    approve = commands.add_parser("approve", help="append your approval of a card's current content")
    approve.add_argument("card", metavar="CARD", help="the card file")
    approve.add_argument("--approver", required=True, help="your name as written in the approvers registry")
    approve.add_argument("--role", required=True, help="the role you approve in")
    approve.add_argument("--key", metavar="PATH", help="SSH key to sign with (as for git's ssh signing)")
    approve.add_argument("--date", help="date of the approval, YYYY-MM-DD (default: today)")
    approve.set_defaults(handler=cmd_approve)

    new = commands.add_parser("new", help="write a draft card with every section to fill in")
    new.add_argument("id", help="the model's id: lowercase letters, digits and hyphens")
    new.add_argument("--name", help="human-readable name (default: from the id)")
    new.add_argument("--version", default="0.1.0", help="the model version (default: 0.1.0)")
    _add_creation_options(new)
    new.set_defaults(handler=cmd_new)

    importer = commands.add_parser("import", help="turn other tools' model cards into draft cards")
    importer.add_argument("source_format", choices=IMPORT_FORMATS, metavar="FORMAT", help=", ".join(IMPORT_FORMATS))
    importer.add_argument(
        "sources", nargs="+", metavar="SOURCE", help="the files to import, or run ids for mlflow (all or none are)"
    )
    importer.add_argument(
        "--tracking-uri",
        metavar="URI",
        help="mlflow: the tracking store the runs are in (default: MLFLOW_TRACKING_URI), e.g. sqlite:///mlflow.db",
    )
    importer.add_argument("--id", help="the model's id, for one card (default: from the repository id or name)")
    importer.add_argument("--name", help="the model's name, for one card (default: from the source)")
    importer.add_argument("--version", help="the model version, for one card (default: from the source, else 0.1.0)")
    importer.add_argument(
        "--format", choices=["text", "json"], default="text", help="the import report: text (stderr) or json (stdout)"
    )
    _add_creation_options(importer, out="--out")
    importer.set_defaults(handler=cmd_import)

    export = commands.add_parser("export", help="write a card in another format")
    export.add_argument("card", metavar="CARD", help="the card file")
    export.add_argument("--format", choices=sorted(EXPORTERS), default="json")
    export.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of standard output")
    export.set_defaults(handler=cmd_export)

    schema = commands.add_parser("schema", help="print the card format as JSON Schema (for editors)")
    schema.set_defaults(handler=cmd_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except (UsageError, SettingsError, SchemaError, CacheError) as exc:
        print(f"model-catalog: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # the machine, not the cards: a folder that cannot be read or written
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"model-catalog: {printable(where)}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


def run() -> NoReturn:
    """The ``model-catalog`` command: :func:`main` in a process of its own, which ends with the command.

    Python's cyclic garbage collector is left off: the cards and reviews a command makes form no cycles, so it would
    only walk them again and again (a tenth of a warm ``validate``), and all memory is freed when the process exits.
    """
    gc.disable()
    raise SystemExit(main())

"""Hostile and careless input: every case ends in a located error (or is accepted), never a traceback."""

from __future__ import annotations

import html
import inspect
import os
import re
import sys
import time
from pathlib import Path

import jsonschema
import pytest

from helpers import GOLDEN, card, mkdocs_build, run_cli, write_site
from model_catalog import load_catalog
from model_catalog.cards.yamlsource import YamlError, parse_yaml
from model_catalog.errors import format_text

DRAFT = "id: ocr\nname: OCR\nversion: '1.2'\nstatus: draft\nowners: [{name: Ada Lovelace, email: ada@example.com}]\n"


def errors_of(tmp_path: Path, files: dict[str, bytes | str]) -> str:
    for name, content in files.items():
        path = tmp_path / "cards" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return format_text(load_catalog(tmp_path / "cards", root=tmp_path).errors)


def test_deep_nesting_is_refused_quickly(tmp_path: Path) -> None:
    started = time.monotonic()
    text = errors_of(tmp_path, {"deep.yaml": DRAFT + "tags: " + "[" * 5000 + "]" * 5000 + "\n"})
    assert "cards/deep.yaml:6:" in text and "nested too deeply" in text
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("frames_used", [0, 3 / 4, 1])
def test_deep_nesting_is_located_however_little_stack_is_left(frames_used: float) -> None:
    # Composing recurses in Python frames, so with little stack left it fails before our depth check.
    def after(frames: int) -> tuple[int, int, str]:
        if frames > 0:
            return after(frames - 1)
        with pytest.raises(YamlError) as raised:
            parse_yaml(DRAFT + "tags: " + "[" * 5000 + "]" * 5000 + "\n")
        return raised.value.line, raised.value.column, raised.value.message

    spare = sys.getrecursionlimit() - len(inspect.stack(0)) - 100
    assert after(int(spare * frames_used)) == (6, 71, "the document is nested too deeply (more than 64 levels)")


def test_a_megabyte_in_one_field_is_refused(tmp_path: Path) -> None:
    content = DRAFT + "summary: " + "a" * 1_000_000 + "\n"
    text = errors_of(tmp_path, {"big.yaml": content})
    assert text == (
        f"cards/big.yaml: the file is {len(content.encode()):,} bytes, over the limit of 1,000,000; "
        "split it or raise `max_card_bytes`"
    )
    site = write_site(tmp_path / "site", {"long.yaml": DRAFT + "description: " + "a" * 200_000 + "\n"})
    done = run_cli("validate", cwd=site)
    assert done.returncode == 1
    assert (
        "cards/long.yaml:6:14: description: this value is 200,000 characters long, over the limit of 100,000"
        in done.stdout
    )


def test_the_size_limit_is_configurable(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"ocr/1.2.yaml": DRAFT}, plugin_options="cards_dir: cards\nmax_card_bytes: 50")
    done = run_cli("validate", cwd=site)
    assert "over the limit of 50; split it or raise `max_card_bytes`" in done.stdout


def test_byte_order_mark_and_crlf_are_accepted(tmp_path: Path) -> None:
    content = ("\ufeff" + DRAFT).replace("\n", "\r\n").encode()
    assert errors_of(tmp_path, {"ocr.yaml": content}) == ""


def test_binary_file_with_a_yaml_name(tmp_path: Path) -> None:
    text = errors_of(tmp_path, {"model.yaml": bytes(range(256)) * 4})
    assert text == "cards/model.yaml: the file is binary, not YAML text"


@pytest.mark.parametrize("bad_id", ["../escape", "a/b", "/etc/passwd", ".", "Café", "ocr\u200b", "ОCR".lower()])
def test_ids_that_try_to_leave_the_site_are_refused(tmp_path: Path, bad_id: str) -> None:
    text = errors_of(tmp_path, {"x.yaml": DRAFT.replace("id: ocr", f"id: '{bad_id}'")})
    assert text.startswith("cards/x.yaml:1:5: id: must be lowercase letters, digits and hyphens")


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("id: ocr", 'id: "ocr\\n"', "id"),
        ("version: '1.2'", 'version: "1.2\\n"', "version"),
        ("status: draft", 'status: draft\nmodel_details: {base_model: "ocr-base\\n"}', "model_details.base_model"),
    ],
)
def test_a_trailing_newline_does_not_pass_a_pattern(tmp_path: Path, old: str, new: str, field: str) -> None:
    """``re.match(pattern + "$")`` accepts "ocr\\n": a second model that looks identical to ``ocr``."""
    text = errors_of(tmp_path, {"x.yaml": DRAFT.replace(old, new)})
    assert f" {field}: must be " in text, text
    from model_catalog.cards.schema import CardSchema
    from model_catalog.formats.json_schema import card_json_schema

    schema = card_json_schema(CardSchema.load())
    jsonschema.validate(
        {
            "id": "ocr",
            "name": "OCR",
            "version": "1.2",
            "status": "draft",
            "owners": [{"name": "A", "email": "a@example.com"}],
        },
        schema,
    )
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            {
                "id": "ocr\n",
                "name": "OCR",
                "version": "1.2",
                "status": "draft",
                "owners": [{"name": "A", "email": "a@example.com"}],
            },
            schema,
        )


@pytest.mark.parametrize("bad_version", ["../1", "1/2", ".", "..", "1 0", "v1\u0301"])
def test_versions_that_try_to_leave_the_site_are_refused(tmp_path: Path, bad_version: str) -> None:
    text = errors_of(tmp_path, {"x.yaml": DRAFT.replace("version: '1.2'", f"version: '{bad_version}'")})
    assert text.startswith("cards/x.yaml:3:10: version: must be letters, digits, dots")


def test_versions_differing_only_in_case_collide(tmp_path: Path) -> None:
    text = errors_of(
        tmp_path, {"a.yaml": DRAFT.replace("'1.2'", "'1.2-RC1'"), "b.yaml": DRAFT.replace("'1.2'", "'1.2-rc1'")}
    )
    assert "cards/a.yaml:3:10: version: ocr version 1.2-RC1 is also defined in cards/b.yaml (version 1.2-rc1)" in text


def test_symlinks_leaving_the_cards_folder_are_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text(DRAFT)
    (tmp_path / "cards").mkdir()
    (tmp_path / "cards" / "linked.yaml").symlink_to(outside)
    (tmp_path / "cards" / "inside.yaml").write_text(DRAFT.replace("ocr", "ocr-two"))
    (tmp_path / "cards" / "alias.yaml").symlink_to(tmp_path / "cards" / "inside.yaml")
    (tmp_path / "cards" / "sub").symlink_to(tmp_path, target_is_directory=True)
    lines = errors_of(tmp_path, {}).splitlines()
    # The link that leaves is refused; the alias inside the folder is read, and collides with its target;
    # the folder link (a loop back to the root) is not followed.
    assert lines == [
        "cards/alias.yaml:3:10: version: ocr-two version 1.2 is also defined in cards/inside.yaml (version 1.2); "
        "give one of them another version, or remove one of the files",
        "cards/inside.yaml:3:10: version: ocr-two version 1.2 is also defined in cards/alias.yaml (version 1.2); "
        "give one of them another version, or remove one of the files",
        f"cards/linked.yaml: is a link to {outside}, outside cards; copy the card into the folder instead",
    ]


def test_file_names_with_spaces_and_non_ascii_are_accepted(tmp_path: Path) -> None:
    assert errors_of(tmp_path, {"my model/versión 1.yaml": DRAFT}) == ""


XSS_NAME = 'object-detector/1.0" autofocus onfocus="window.__xss=1" x=".yaml'


@pytest.mark.parametrize(
    ("name", "what"),
    [
        (XSS_NAME, 'a double quote (")'),
        ("ocr/<img src=x onerror=alert(1)>.yaml", "an angle bracket (<)"),
        ("ocr/it's.yaml", "a single quote (')"),
        ("ocr/1.2\x1b[2J.yaml", "a control character (U+001B)"),
        ("oc\nr/1.2.yaml", "a control character (U+000A)"),
    ],
)
def test_file_names_that_could_break_out_of_a_link_are_refused(tmp_path: Path, name: str, what: str) -> None:
    text = errors_of(tmp_path, {name: DRAFT})
    assert f": the file name contains {what}, which links and messages cannot carry safely; rename the file" in text
    assert "\x1b" not in text and text.count("\n") == 0  # the name is shown escaped, on one line
    site = write_site(tmp_path / "site", {name: DRAFT}, plugin_options="cards_dir: cards\nshow_drafts: true")
    done = mkdocs_build(site)
    assert done.returncode == 1 and "the file name contains" in done.stderr and not (site / "site").exists()


def test_edit_links_percent_encode_the_card_path(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"ocr/1.2 #draft?&%.yaml": DRAFT}, plugin_options="cards_dir: cards\nshow_drafts: true")
    config = site / "mkdocs.yml"  # with Material's "edit this page" button, which shows the file's edit_uri
    config.write_text(
        config.read_text().replace("  font: false\n", "  font: false\n  features: [content.action.edit]\n")
    )
    assert mkdocs_build(site).returncode == 0
    page = (site / "site" / "models" / "ocr" / "1.2" / "index.html").read_text()
    edit = "https://git.example.com/ml/catalog/edit/main/cards/ocr/1.2%20%23draft%3F%26%25.yaml"
    assert page.count(f'href="{edit}"') == 2  # the theme's button and the card's own link


def test_every_hostile_file_together_fails_one_build_without_traceback(tmp_path: Path) -> None:
    golden = GOLDEN / "errors"
    files = {p.name: p.read_bytes() for p in golden.glob("*.yaml")}
    site = write_site(tmp_path, {"fraud/1.0.yaml": card()})
    assert mkdocs_build(site).returncode == 0
    (site / "site" / "sentinel").write_text("old")
    for name, content in files.items():
        (site / "cards" / name).write_bytes(content)
    done = mkdocs_build(site)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.count("cards/") >= len(files)
    assert (site / "site" / "sentinel").read_text() == "old"


def test_a_broken_template_stops_the_build_before_anything_is_written(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"fraud/1.0.yaml": card()}, plugin_options="cards_dir: cards\ntemplates_dir: overrides")
    (site / "overrides" / "partials").mkdir(parents=True)
    assert mkdocs_build(site).returncode == 0
    (site / "site" / "sentinel").write_text("old")
    (site / "overrides" / "partials" / "owners.html").write_text("<p>\n{{ card.owners[0].phone.number }}</p>\n")
    done = mkdocs_build(site)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "overrides/partials/owners.html:2: UndefinedError:" in done.stderr
    (site / "overrides" / "partials" / "owners.html").write_text("{% if %}\n")
    done = mkdocs_build(site)
    assert "overrides/partials/owners.html:1: Expected an expression" in done.stderr
    assert (site / "site" / "sentinel").read_text() == "old"


def test_a_page_path_clash_stops_the_build_before_anything_is_written(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"fraud/1.0.yaml": card()})
    assert mkdocs_build(site).returncode == 0
    (site / "site" / "sentinel").write_text("old")
    (site / "docs" / "models").mkdir()
    (site / "docs" / "models" / "index.md").write_text("# Mine\n")
    done = mkdocs_build(site)
    assert done.returncode == 1 and "has the path of a catalog page" in done.stderr
    assert (site / "site" / "sentinel").read_text() == "old"


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    site = write_site(
        tmp_path, {"fraud/1.0.yaml": card(), "fraud/2.0.yaml": card(version="2.0")}, copy_example_cards=False
    )
    outputs = []
    for run in range(2):
        assert mkdocs_build(site, "--site-dir", f"out{run}").returncode == 0
        root = site / f"out{run}" / "models"
        outputs.append({p.relative_to(root): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()})
        os.utime(site / "cards" / "fraud" / "1.0.yaml")
    assert outputs[0] == outputs[1]
    assert any(name.name == "catalog.json" for name in outputs[0])


LINK_FIELDS = {
    "model_details.paper": "model_details: {{paper: {link}}}",
    "model_details.repository": "model_details: {{repository: {link}}}",
    "evaluation_data[0].link": "evaluation_data: [{{name: d, link: {link}}}]",
    "training_data[0].link": "training_data: [{{name: d, link: {link}}}]",
    "links[0].url": "links: [{{title: t, url: {link}}}]",
}


@pytest.mark.parametrize(
    "link",
    [
        '"\\x01javascript:alert(1)"',
        '" javascript:alert(1)"',
        '"java\\tscript:alert(1)"',
        '"https://example.com/\\npath"',
        '"\\\\\\\\evil.example/x"',
        '"/\\\\evil.example"',
    ],
)
def test_links_are_read_as_a_browser_reads_them(tmp_path: Path, link: str) -> None:
    files = {
        f"{index}.yaml": DRAFT.replace("ocr", f"ocr-{index}") + template.format(link=link) + "\n"
        for index, template in enumerate(LINK_FIELDS.values())
    }
    lines = errors_of(tmp_path, files).splitlines()
    assert len(lines) == len(LINK_FIELDS)
    for line, field in zip(lines, LINK_FIELDS, strict=True):
        assert f" {field}: " in line
        assert "must not contain control characters" in line or "links must use http, https or mailto" in line


def test_markdown_links_with_control_characters_do_not_reach_the_page(tmp_path: Path) -> None:
    description = (
        'description: "[a](\\x01javascript:alert(1)) [b](java\\tscript:alert(2)) '
        '<a href=\\"&#1;javascript:alert(3)\\">c</a> [ok](https://example.com/)"\n'
    )
    site = write_site(
        tmp_path, {"ocr/1.2.yaml": DRAFT + description}, plugin_options="cards_dir: cards\nshow_drafts: true"
    )
    assert mkdocs_build(site).returncode == 0
    page = (site / "site" / "models" / "ocr" / "1.2" / "index.html").read_text()
    hrefs = [html.unescape(href) for href in re.findall(r'href="([^"]*)"', page)]
    # What a browser follows (WHATWG URL parsing): C0 controls and spaces stripped at the ends, tabs and newlines dropped.
    followed = [re.sub(r"[\t\n\r]", "", href.strip("".join(map(chr, range(33))))).lower() for href in hrefs]
    assert "https://example.com/" in followed
    assert not [href for href in followed if href.startswith("javascript:")]


def test_no_command_prints_a_traceback_on_hostile_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every command over every hostile file and every bad argument: a message and exit 0, 1 or 2, never an
    exception escaping (in this process, an escaping exception is what prints a traceback)."""
    from model_catalog.cli import main

    golden = GOLDEN / "errors"
    site = write_site(tmp_path, {"fraud/1.0.yaml": card()})
    names = []
    for path in sorted(golden.rglob("*.yaml")):
        name = path.relative_to(golden).as_posix()
        (site / "cards" / "hostile" / name).parent.mkdir(parents=True, exist_ok=True)
        (site / "cards" / "hostile" / name).write_bytes(path.read_bytes())
        names.append(f"cards/hostile/{name}")
    (site / "deep.yml").write_text("a: " + "[" * 5000 + "]" * 5000 + "\n")
    (site / "a-file").write_text("not a folder")
    monkeypatch.chdir(site)
    runs: list[list[str]] = [
        ["validate"],
        ["status"],
        ["validate", "--format", "github"],
        ["schema"],
        ["--config", "deep.yml", "validate"],
        ["status", "/nonexistent"],
        ["validate", ""],
        ["export", "cards/fraud/1.0.yaml", "-o", "/nonexistent/dir/x"],
        ["export", "cards/fraud/1.0.yaml", "-o", "/etc"],
        ["new", "x", "--owner", "A B <a@b.example>", "--cards-dir", "missing"],
        ["new", "x", "--owner", "A B <a@b.example>", "--cards-dir", "a-file"],
        ["new", "-bad-", "--owner", "A B <a@b.example>"],
        ["new", "y", "--owner", "nobody"],
    ]
    for name in names:
        runs += [
            ["validate", name],
            ["status", name],
            ["approve", name, "--approver", "Rita Reviewer", "--role", "ml-lead"],
            ["import", "huggingface", name, "--owner", "A B <a@b.example>", "--out", "cards"],
        ]
        runs += [["export", name, "--format", export] for export in ("json", "huggingface", "cyclonedx")]
    for argv in runs:
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse's own usage errors
            code = exc.code
        captured = capsys.readouterr()
        assert code in (0, 1, 2), (argv, captured.err)
        assert "Traceback" not in captured.out + captured.err, argv
        if code == 2:
            assert captured.err.startswith(("model-catalog: ", "usage: ")), (argv, captured.err)
    assert not Path("/nonexistent").exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="drops to another user with setpriv, which needs root")
def test_approve_into_a_folder_it_cannot_write_is_a_clear_error() -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:  # outside pytest's owner-only folders: the other user reads it
        site = write_site(Path(folder), {"fraud/1.0.yaml": card(approved=False)})
        for path in [site, *site.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        (site / "cards" / "fraud").chmod(0o555)
        _approve_as_nobody(site)


def _approve_as_nobody(site: Path) -> None:
    done = run_cli(
        "approve",
        "cards/fraud/1.0.yaml",
        "--approver",
        "Rita Reviewer",
        "--role",
        "ml-lead",
        cwd=site,
        prefix=["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"],
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert (
        "model-catalog: cards/fraud/1.0.yaml: cannot write the approval into the card: Permission denied; "
        "check that you may write to its folder"
    ) in done.stderr

"""The part of importing every format shares: ids from the sources' names, collisions, and files of another
format refused with the importer that reads them."""

from __future__ import annotations

import pytest

from model_catalog.formats.importing import ImportedDraft, ImportRefused, assign_ids, refuse_other_format, sniff_format


def _draft(source: str, *hints: str, version: str = "1.0", **data: str) -> ImportedDraft:
    return ImportedDraft({"name": source, "version": version, **data}, source, id_hints=list(hints))


def test_each_draft_gets_the_first_free_hint() -> None:
    drafts = [
        _draft("a/README.md", "openai/whisper-small", "Whisper small", "README"),
        _draft("b/README.md", "openai/whisper-small", "Whisper small NL", "README"),
        _draft("c/README.md", "", "  ", "my_model.v2"),
    ]
    assert assign_ids(drafts) == []
    assert [draft.data["id"] for draft in drafts] == ["openai-whisper-small", "whisper-small-nl", "my-model-v2"]
    assert next(iter(drafts[0].data)) == "id"  # first, as cards have it


def test_a_different_version_may_share_the_id() -> None:
    drafts = [_draft("one", "fraud", version="1.0"), _draft("two", "fraud", version="2.0")]
    assert assign_ids(drafts) == []
    assert [draft.data["id"] for draft in drafts] == ["fraud", "fraud"]


def test_collisions_are_reported_and_no_id_is_given() -> None:
    drafts = [_draft("x.md", "same"), _draft("y.md", "same"), _draft("z.md", "", id="same")]
    problems = assign_ids(drafts)
    assert problems and all("same" in problem for problem in problems)
    assert "id" not in drafts[0].data and "id" not in drafts[1].data
    assert [problem.split(":")[0] for problem in problems] == ["x.md", "y.md"]


def test_ids_already_in_the_catalog_are_avoided() -> None:
    drafts = [_draft("x.md", "fraud", "fraud detector")]
    assert assign_ids(drafts, taken=[("fraud", "1.0")]) == []
    assert drafts[0].data["id"] == "fraud-detector"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("---\nlicense: mit\n---\n# Model\n", "huggingface"),
        ("# Just Markdown\n", "huggingface"),
        ('{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": []}', "cyclonedx"),
        ('{"model_details": {"name": "x"}, "considerations": {}}', "mct"),
        ('model_details {\n  name: "x"\n}\n', "mct"),
        ('# proto-file: model_card.proto\n# proto-message: ModelCard\n\nmodel_details: {\n  name: "x"\n}\n', "mct"),
        ('{"something": "else"}', None),
        ("{not json", None),
    ],
)
def test_the_format_of_a_file_is_told_by_its_shape(text: str, found: str | None) -> None:
    assert sniff_format(text) == found


def test_a_file_of_another_format_names_the_importer_to_use() -> None:
    with pytest.raises(
        ImportRefused, match=r"bom\.json: this is a CycloneDX BOM file.*`model-catalog import cyclonedx bom\.json`"
    ):
        refuse_other_format('{"bomFormat": "CycloneDX", "components": []}', "bom.json", "huggingface")
    with pytest.raises(ImportRefused, match=r"data\.json: not a Hugging Face model card file"):
        refuse_other_format('{"a": 1}', "data.json", "huggingface")

"""The plugin's options: one definition, one checker, the same for the command line and for MkDocs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from model_catalog.config.options import OptionsError, from_options, option_docs
from model_catalog.config.settings import ApprovalPolicy, CatalogSettings, SettingsError


def check(options: object) -> CatalogSettings:
    return CatalogSettings.from_options(options, Path("/site"))


def test_defaults_and_conversions() -> None:
    settings = check({"approvals": {"required_roles": {"low": ["ml-lead"]}, "max_age_days": 30}, "prefix": None})
    assert settings.prefix == "models" and settings.cards_dir == "cards"  # an option left empty: its default
    assert settings.approvals.required_roles == {"low": ("ml-lead",)}  # the given mapping replaces the default
    assert settings.approvals.max_age_days == 30 and settings.approvals.review_interval_days == 365
    assert settings.cards_path == Path("/site/cards") and settings.registry_path == Path("/site/cards/APPROVERS.yaml")
    assert check(None) == CatalogSettings(base_dir=Path("/site"))


class _Placeholder(os.PathLike[str]):
    """What MkDocs gives for `!relative $config_dir/cards`."""

    def __fspath__(self) -> str:
        return "/elsewhere/cards"


def test_null_is_the_value_of_an_option_that_can_be_null_and_the_default_of_one_that_cannot() -> None:
    settings = check({"cache_dir": None, "prefix": None, "approvals": {"review_interval_days": None}})
    assert settings.cache_dir is None and settings.cache_path is None  # `null`: no cache
    assert settings.prefix == "models" and settings.approvals.review_interval_days is None  # `null`: never
    from model_catalog.plugin import CatalogConfig

    config = CatalogConfig()
    config.load_dict({"cache_dir": None, "prefix": None, "approvals": {"review_interval_days": None}})
    assert config.validate()[0] == [] and config["cache_dir"] is None and config["prefix"] == "models"
    assert config["approvals"]["review_interval_days"] is None


def test_paths_given_as_path_like_values_are_read_as_text() -> None:
    assert check({"cards_dir": _Placeholder()}).cards_dir == "/elsewhere/cards"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"cards_dirr": "x"}, "plugins.model-catalog.cards_dirr: unknown option; did you mean 'cards_dir'?"),
        ({"zzz": 1}, "plugins.model-catalog.zzz: unknown option; known options: cards_dir, prefix,"),
        ({"index_page_size": -5}, "plugins.model-catalog.index_page_size: must be 0 or more (got -5)"),
        ({"index_page_size": "many"}, "plugins.model-catalog.index_page_size: must be int (got 'many')"),
        ({"index_page_size": True}, "plugins.model-catalog.index_page_size: must be int (got True)"),
        ({"edit_cards": "yes"}, "plugins.model-catalog.edit_cards: must be true or false (got 'yes')"),
        ({"cards_dir": 5}, "plugins.model-catalog.cards_dir: must be a path (got 5)"),
        ({"image_hosts": ["ok.example", "bad host"]}, "image_hosts: must be a list of host names such as"),
        ({"approvals": 5}, "plugins.model-catalog.approvals: must be a mapping of options"),
        ({"approvals": {"max_age_days": 0}}, "approvals.max_age_days: must be a whole number of days, at least 1"),
        ({"approvals": {"incomplete": "maybe"}}, "approvals.incomplete: must be error or warn (got 'maybe')"),
        (
            {"approvals": {"required_roles": {"critical": ["x"]}}},
            "approvals.required_roles: unknown risk tier 'critical'; risk tiers are low, medium, high",
        ),
        (
            {"approvals": {"required_roles": {"low": "ml-lead"}}},
            "approvals.required_roles: must be a mapping of each risk tier to a list of roles",
        ),
        ({"approvals": {"required_roles": {"low": [" "]}}}, "approvals.required_roles: must be a mapping"),
        (
            {"approvals": {"allow_self_aproval": True}},
            "approvals.allow_self_aproval: unknown option; did you mean 'allow_self_approval'?",
        ),
    ],
)
def test_a_bad_option_is_named_with_what_it_takes(options: object, message: str) -> None:
    with pytest.raises(SettingsError) as raised:
        check(options)
    assert str(raised.value).startswith("mkdocs.yml: plugins.model-catalog.") and message in str(raised.value)


def test_a_policy_is_checked_on_its_own_too() -> None:
    with pytest.raises(OptionsError) as raised:
        from_options(ApprovalPolicy, {"registry": []}, "approvals")
    assert (raised.value.where, raised.value.problem) == ("approvals.registry", "must be a path (got [])")


def test_the_reference_is_read_from_the_docstrings_below_the_fields() -> None:
    docs = {doc.name: doc for doc in option_docs(CatalogSettings)}
    assert list(docs)[:2] == ["cards_dir", "prefix"] and "base_dir" not in docs
    assert docs["cards_dir"].default == "cards" and docs["cards_dir"].description.startswith("Folder holding")
    assert docs["approvals"].default is None and docs["approvals.incomplete"].default == "error"
    assert "always fails" in docs["approvals.incomplete"].description  # a docstring of two lines, joined
    assert all(doc.description for doc in docs.values())


def test_the_mkdocs_config_is_made_from_the_same_definitions() -> None:
    from model_catalog.plugin import CatalogConfig

    config = CatalogConfig()
    config.load_dict({"cards_dir": "elsewhere", "approvals": {"max_age_days": 30}, "cards_dirr": 1})
    failed, warnings = config.validate()
    assert [(key, str(error)) for key, error in failed] == [("cards_dirr", "unknown option; did you mean 'cards_dir'?")]
    assert not [key for key, _ in warnings if key == "cards_dirr"]
    config = CatalogConfig()
    config.load_dict({"approvals": {"max_age_days": "soon"}})
    failed, _ = config.validate()
    assert "must be a whole number of days" in str(failed[0][1])
    config = CatalogConfig()
    config.load_dict({})
    assert (
        config.validate() == ([], [])
        and config["index_page_size"] == 50
        and config["approvals"]["incomplete"] == "error"
    )

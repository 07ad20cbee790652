"""The compare pages in Chromium, on the built example catalog: a model's versions side by side, the models picked on
the index, with the keyboard alone, in both palettes, from file://, and with the XSS corpus as the cards' text."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Locator, Page, expect

from compat.sites import example_copy
from helpers import run, serving
from xss_cards import MODEL, PAYLOADS, version_of, write_hostile_site

pytestmark = pytest.mark.browser

"""Where the sites under test are served: any other request leaves the machine."""
TRAP = """
window.__xss = [];
for (const name of ["alert", "confirm", "prompt", "print", "open"]) {
  window[name] = (...args) => { window.__xss.push(name + ":" + args.join(",")); };
}
"""


@pytest.fixture(scope="module")
def site_url(example_site: Path) -> Iterator[str]:
    with serving(example_site) as url:
        yield url


def table(page: Page, section: str) -> Locator:
    """The table of a section of the compare view, by its heading's id."""
    return page.locator(f"#compare-{section} + table")


def column_titles(page: Page) -> list[str]:
    return table(page, "overview").locator("thead th").all_inner_texts()[1:]


def row(page: Page, section: str, *texts: str) -> Locator:
    found = table(page, section).locator("tbody tr")
    for text in texts:
        found = found.filter(has=page.locator("th", has_text=text))
    return found


def test_a_models_versions_side_by_side_with_changes_marked_in_words(page: Page, site_url: str) -> None:
    page.goto(site_url + "models/toxicity-classifier/compare/")
    expect(page.locator("[data-mc-compare-form]")).to_be_visible()
    expect(page.locator("[data-mc-compare-fallback]")).to_be_hidden()
    assert column_titles(page) == ["A Review Toxicity Classifier 1.0", "B Review Toxicity Classifier 2.0"]
    expect(page.locator("[data-mc-compare-status]")).to_contain_text("Version A is 1.0, version B 2.0:")

    # A metric measured by both versions: B's value is marked changed, with the difference and its direction.
    fpr = row(page, "metrics", "false_positive_rate", "African-American English").locator("td")
    expect(fpr.nth(0)).to_contain_text("0.093")
    expect(fpr.nth(1)).to_have_class(re.compile(r"\bmc-diff--changed\b"))
    expect(fpr.nth(1).locator(".mc-diff__mark")).to_have_text("changed")
    expect(fpr.nth(1)).to_contain_text("Δ −0.062 (better)")
    # One measured by 1.0 only.
    old_auc = row(page, "metrics", "roc_auc", "Acme Reviews Moderation test 2023").locator("td")
    expect(old_auc.nth(1).locator(".mc-diff__mark")).to_have_text("removed")

    # A limitation 2.0 added, one it dropped: a class, and a word any reader sees without colour.
    limitations = row(page, "limitations", "Limitations").locator("td")
    added = limitations.nth(1).locator("li", has_text="Does not look at images or attachments")
    expect(added).to_have_class(re.compile(r"\bmc-diff--added\b"))
    expect(added.locator(".mc-diff__mark")).to_be_visible()
    expect(added.locator(".mc-diff__mark")).to_have_text("added")
    removed = limitations.nth(0).locator("li", has_text="English only")
    expect(removed.locator(".mc-diff__mark")).to_have_text("removed")
    unchanged = row(page, "overview", "License").locator("td")
    expect(unchanged.locator(".mc-diff__mark")).to_have_count(0)
    expect(row(page, "overview", "Status").locator("td").nth(1).locator(".mc-diff__mark")).to_have_text("changed")
    # Links to each version's page.
    table(page, "overview").locator("thead a", has_text="2.0").click()
    expect(page).to_have_url(site_url + "models/toxicity-classifier/2.0/")


def test_the_selects_work_with_the_keyboard_and_the_url_keeps_them(page: Page, site_url: str) -> None:
    page.goto(site_url + "models/credit-risk/compare/")
    a, b = page.locator("#mc-compare-a"), page.locator("#mc-compare-b")
    expect(a).to_have_value("1.0")
    expect(b).to_have_value("2.0")
    page.get_by_role("heading", name="Compare versions of").focus()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "mc-compare-a":
            break
    else:
        pytest.fail("version A's select cannot be reached with Tab")
    page.keyboard.press("ArrowUp")  # 2.0, the option above
    expect(a).to_have_value("2.0")
    page.keyboard.press("Tab")
    expect(b).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(b).to_have_value("1.0")
    assert column_titles(page) == ["A Acme Pay Later Credit Risk Model 2.0", "B Acme Pay Later Credit Risk Model 1.0"]
    expect(page).to_have_url(site_url + "models/credit-risk/compare/?a=2.0&b=1.0")
    limitations = row(page, "limitations", "Limitations").locator("td")
    expect(limitations.nth(1).locator("li", has_text="Trained only on DE, AT and NL")).to_contain_text("added")

    page.reload()
    expect(a).to_have_value("2.0")
    expect(b).to_have_value("1.0")
    assert column_titles(page)[0].endswith("2.0")

    page.goto(site_url + "models/credit-risk/compare/?a=9.9&b=%3Cscript%3E")  # unknown: the defaults
    expect(a).to_have_value("1.0")
    expect(b).to_have_value("2.0")
    assert column_titles(page) == ["A Acme Pay Later Credit Risk Model 1.0", "B Acme Pay Later Credit Risk Model 2.0"]


def test_a_card_pages_link_opens_the_comparison_with_its_predecessor(page: Page, site_url: str) -> None:
    page.goto(site_url + "models/credit-risk/2.0/")
    page.get_by_role("link", name="Compare versions").click()
    expect(page).to_have_url(site_url + "models/credit-risk/compare/?a=1.0&b=2.0")
    expect(page.locator("#mc-compare-b")).to_have_value("2.0")
    expect(page.locator("#mc-compare-a")).to_have_value("1.0")


def test_instant_navigation_into_and_out_of_a_comparison(page: Page, tmp_path: Path) -> None:
    """Material's instant navigation runs the scripts of the content it swaps in, whatever their type: the data of
    the versions is out of its reach, and the renderer starts on the swapped-in page."""
    (tmp_path / "site").mkdir()
    with serving(tmp_path / "site") as url:
        # Material's instant navigation works only with a site_url, whose sitemap tells it the site's pages.
        example_copy(tmp_path, lambda config: config.update(site_url=url))
        done = run([sys.executable, "-m", "mkdocs", "build"], tmp_path)
        assert done.returncode == 0, done.stderr
        page.goto(url + "models/toxicity-classifier/1.0/")
        page.evaluate("window.__same_document = true")
        page.get_by_role("link", name="Compare versions").click()
        page.wait_for_url(url + "models/toxicity-classifier/compare/?a=1.0&b=2.0")
        assert page.evaluate("window.__same_document === true"), "not an instant navigation"
        expect(page.locator("#compare-metrics + table")).to_be_visible()
        expect(page.locator("[data-mc-compare-fallback]")).to_be_hidden()
        page.locator("#mc-compare-a").select_option("2.0")
        expect(page.locator("[data-mc-compare-status]")).to_contain_text("the same version on both sides")
        table(page, "overview").locator("thead a").first.click()
        page.wait_for_url(url + "models/toxicity-classifier/2.0/")
        page.go_back()
        expect(page.locator("#compare-metrics + table")).to_have_count(1)
        assert page.evaluate("window.__same_document === true")
        page.goto("about:blank")  # no prefetch of instant navigation may reach the server once it has stopped


MODELS = "models/compare/?m=credit-risk@2.0,toxicity-classifier@2.0,fraud-detector@3.2"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["models/credit-risk/compare/", "models/toxicity-classifier/compare/", MODELS])
def test_no_accessibility_violations(browser: Browser, site_url: str, scheme: str, path: str) -> None:
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(site_url + path)
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate" if scheme == "dark" else "default")
    expect(page.locator("#compare-metrics + table")).to_be_visible()
    results = Axe().run(page, context={"include": [["article"]]})
    violations = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]
    context.close()
    assert violations == []


def test_pick_three_models_on_the_index_with_the_keyboard(page: Page, site_url: str) -> None:
    page.goto(site_url + "models/")
    go = page.locator("[data-mc-compare-go]")
    expect(go).to_have_text("Compare selected (0)")
    expect(go).to_be_disabled()
    names = ["Acme Pay Later Credit Risk Model", "Review Toxicity Classifier", "ImageClassifier"]
    for name in names:
        checkbox = page.get_by_role("checkbox", name=f"Select {name} to compare")
        checkbox.focus()
        page.keyboard.press("Space")
        expect(checkbox).to_be_checked()
    expect(go).to_have_text("Compare selected (3)")
    expect(go).to_be_enabled()
    assert "compare=credit-risk%402.0%2Ctoxicity-classifier%402.0%2Cimage-classifier%401.0" in page.url
    go.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(
        site_url + "models/compare/?m=credit-risk@2.0,toxicity-classifier@2.0,image-classifier@1.0"
    )
    expect(page.locator("#compare-overview + table")).to_be_visible()
    assert column_titles(page) == [
        f"{letter} {name} {version}" for letter, name, version in zip("ABC", names, ("2.0", "2.0", "1.0"), strict=True)
    ]
    expect(page.locator("[data-mc-compare-status]")).to_contain_text("Comparing 3 models, marked against A")
    status = row(page, "overview", "Status").locator("td")
    expect(status.nth(0)).to_have_text("approved")
    expect(row(page, "overview", "Task").locator("td").nth(1).locator(".mc-diff__mark")).to_have_text("differs from A")
    expect(page.locator("[data-mc-compare-problem]")).to_be_hidden()

    page.go_back()  # the index remembers what was picked
    expect(page.get_by_role("checkbox", name="Select ImageClassifier to compare")).to_be_checked()
    expect(go).to_have_text("Compare selected (3)")


def test_a_fifth_model_is_refused(page: Page, site_url: str) -> None:
    page.goto(site_url + "models/")
    boxes = page.locator("input[data-mc-select]")
    for index in range(4):
        boxes.nth(index).focus()
        page.keyboard.press("Space")
    expect(page.locator("[data-mc-compare-go]")).to_have_text("Compare selected (4)")
    fifth = boxes.nth(4)
    fifth.focus()
    page.keyboard.press("Space")
    expect(fifth).not_to_be_checked()
    expect(page.locator("[data-mc-compare-note]")).to_have_text(
        "At most 4 models can be compared: clear one of the 4 selected first."
    )
    expect(page.locator("[data-mc-compare-go]")).to_have_text("Compare selected (4)")
    page.locator("[data-mc-compare-clear]").click()
    expect(page.locator("input[data-mc-select]:checked")).to_have_count(0)
    expect(page.locator("[data-mc-compare-go]")).to_be_disabled()


def test_the_page_of_models_says_what_is_wrong(browser: Browser, site_url: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(site_url + "models/compare/")
    problem = page.locator("[data-mc-compare-problem]")
    expect(problem).to_contain_text("Choose two to four models to compare")
    page.goto(site_url + "models/compare/?m=credit-risk@2.0,no-such-model@1.0,credit-risk@9.9,../x@1,%3Cb%3E@1")
    expect(problem).to_contain_text("Not a model id and version (id@version), left out: ../x@1, <b>@1.")
    expect(problem).to_contain_text("Could not load no-such-model 1.0: this catalog has no such model or version.")
    expect(problem).to_contain_text("Could not load credit-risk 9.9: this catalog has no such model or version.")
    expect(page.locator("[data-mc-compare-status]")).to_have_text(
        "Only one of the models could be loaded: nothing to compare."
    )
    expect(page.locator("#compare-overview")).to_have_count(0)
    context.close()


def test_from_file_urls_the_versions_page_works_and_the_page_of_models_explains(
    browser: Browser, example_site: Path
) -> None:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto((example_site / "models" / "toxicity-classifier" / "compare" / "index.html").as_uri())
    expect(page.locator("#compare-metrics + table")).to_be_visible()
    page.locator("#mc-compare-a").select_option("2.0")
    expect(page.locator("[data-mc-compare-status]")).to_contain_text("the same version on both sides")
    expect(page.locator(".mc-diff__mark")).to_have_count(0)
    page.goto((example_site / "models" / "compare" / "index.html").as_uri() + "?m=credit-risk@2.0,fraud-detector@3.2")
    expect(page.locator("[data-mc-compare-problem]")).to_contain_text("opened from a file (file://)")
    expect(page.locator("[data-mc-compare-problem]")).to_contain_text("Could not load credit-risk 2.0")
    assert errors == []
    context.close()


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = write_hostile_site(tmp_path_factory.mktemp("xss-compare"))
    done = run([sys.executable, "-m", "mkdocs", "build"], root)
    assert done.returncode == 0, done.stderr[-3000:]
    with serving(root / "site") as url:
        yield url


def words(text: str) -> str:
    return " ".join(text.split())  # browsers collapse runs of white space in what they show


def test_hostile_cards_are_compared_as_text_and_nothing_runs(browser: Browser, hostile_url: str) -> None:
    context = browser.new_context()
    context.add_init_script(TRAP)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for first in range(0, len(PAYLOADS) - 1, 2):
        a, b = version_of(first), version_of(first + 1)
        page.goto(f"{hostile_url}models/{MODEL}/compare/?a={a}&b={b}")
        summary = row(page, "overview", "Summary").locator("td .mc-compare__text")
        assert [words(t) for t in summary.all_inner_texts()] == [words(PAYLOADS[first]), words(PAYLOADS[first + 1])]
        page.mouse.move(300, 300)
        assert page.evaluate("window.__xss") == [] and dialogs == [], (a, b)
    for first in range(0, len(PAYLOADS) - 3, 4):
        models = ",".join(f"{MODEL}@{version_of(i)}" for i in range(first, first + 4))
        page.goto(f"{hostile_url}models/compare/?m={models}")
        limitations = row(page, "limitations", "Limitations").locator("td .mc-compare__item")
        expect(limitations).to_have_count(4)
        assert [words(t) for t in limitations.all_inner_texts()] == [words(p) for p in PAYLOADS[first : first + 4]]
        page.mouse.move(300, 300)
        assert page.evaluate("window.__xss") == [] and dialogs == [], models
    context.close()

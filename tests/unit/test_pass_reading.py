"""A pass reads each page once, with the wiki's own extension tags (asked with the pass's first
request): the infobox, the tag and {{bots}} come from that one reading."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from bot.config import Config
from bot.wiki import SiteRead
from tests.fakes import RULES_PAGE, FakeWiki
from tests.passes import INCOMPLETE, run, wiki_with

#: {{nobots}} inside <score>…</score>: hidden where the wiki knows <score>, plain text elsewhere.
SCORED = "<score>{{nobots}}</score>\n" + INCOMPLETE


def test_the_wikis_extension_tags_decide_how_a_page_reads(config: Config) -> None:
    knows = wiki_with({"Org": SCORED})
    run(knows, config)
    assert knows.pages["Org"].text.startswith("{{Partnership incomplete|missing=metrics}}\n")
    does_not = wiki_with({"Org": SCORED})
    does_not.extension_tags = knows.extension_tags - {"score"}
    report = run(does_not, config)
    assert does_not.pages["Org"].text == SCORED
    assert [s.reason for s in report.skipped] == ["excluded by {{bots}}/{{nobots}}"]


@dataclasses.dataclass
class CountingWiki(FakeWiki):
    site_reads: list[tuple[str, ...]] = dataclasses.field(default_factory=list)

    def read_site(self, titles: Sequence[str]) -> SiteRead:
        self.site_reads.append(tuple(titles))
        return super().read_site(titles)


def test_the_tags_come_with_the_special_pages(config: Config) -> None:
    """One read_site per pass, the one that reads the special pages (test_job's request counts
    show it costs no request)."""
    wiki = CountingWiki(
        **{f.name: getattr(wiki_with({"Org": INCOMPLETE}), f.name) for f in dataclasses.fields(FakeWiki)}
    )
    run(wiki, config)
    assert wiki.site_reads == [
        (
            "Partnership tracker",
            "User:PartnershipBot/Status",
            "User:PartnershipBot/Shutoff",
            RULES_PAGE,
            "Template:Partnership infobox/doc",  # its TemplateData (step5_templatedata)
            "Partnership tracker/data.json",  # the table's data (step5_data)
        )
    ]

"""Partnership tracker: validates ``{{Partnership infobox}}`` pages, tags incomplete ones and
keeps a summary table current. The pure core (parse, validate, tagging, render) never imports the
wiki edge (``bot.wiki``); see the layout in ``README.md``."""

__version__ = "0.1.0"

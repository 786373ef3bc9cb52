"""One pass of the bot, a module per stage, named in the order they run: ``step1_find`` (which
pages) → ``step2_read`` (read each) → ``step3_decide`` (validate, plan its tag) → ``step4_save_tags``
→ ``step5_summary`` and ``step5_status`` (publish) → ``step6_remember`` (the state database).
``one_pass`` runs them (:class:`~bot.pipeline.one_pass.Pass`); ``runner`` puts the run lock, the
login and signal handling around a pass; ``context`` holds what every stage shares, ``tally`` what
the pass gathers, ``shutoff`` the shutoff page's cadence."""

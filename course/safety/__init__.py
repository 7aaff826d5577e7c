"""The safety lab of lesson 09: a support app with seams, a gullible model, and the suites.

    app = SupportApp(GullibleModel(), UNDEFENDED)     # the app as first written
    outcome = app.handle(load_suite("attack")[0])       # one case: answer, html, tools run, tokens
    report = run_suite(GullibleModel(), load_suite("attack"), UNDEFENDED)
    report.rate, report.by_category()                   # attack success, overall and per OWASP id

The app is Beacon Assist, the support bot of the fictional Tidewater Labs. Its parts:

    config      the prompt, its secrets, the data policy, link hosts, OWASP ids, count_tokens
    backoffice  the SQLite shop, five tools and the approver
    defences    the seams (`Defences`) and the undefended first draft (UNDEFENDED)
    markup      checks of a rendered answer: unsafe markup, displayed text, live links
    gullible    GullibleModel, which obeys every command it can read
    suites      the attack and benign cases (load_suite)
    corpus      BM25 over the corpus's sections (retrieve)
    app         SupportApp, the judge and the suite report (run_suite)

This package re-exports the names lesson 09's notebook and its sample
submissions use; the rest live in the modules above.

Does not contain a defence: the UNDEFENDED functions are the vulnerable first
draft; the defences are the lesson's exercises. Does not model a real model's
partial obedience: the local model shows that, honestly, in the notebook.
"""

from .app import SupportApp, run_suite
from .backoffice import make_shop_db
from .config import (CANARY, DATA_POLICY, DISCOUNT_CODE, LINK, LINK_HOSTS, MARK, OWASP, SECRETS, SYSTEM_PROMPT,
                     BudgetExceeded)
from .corpus import corpus_sections
from .defences import UNDEFENDED, Defences, naive_render_answer
from .gullible import GullibleModel
from .markup import displayed_text, unsafe_markup
from .suites import Case, load_suite

__all__ = [  # what lesson 09's notebook (hidden tests included) and its sample submissions import
    "CANARY", "DATA_POLICY", "DISCOUNT_CODE", "LINK", "LINK_HOSTS", "MARK", "OWASP", "SECRETS", "SYSTEM_PROMPT",
    "UNDEFENDED", "BudgetExceeded", "Case", "Defences", "GullibleModel", "SupportApp", "corpus_sections",
    "displayed_text", "load_suite", "make_shop_db", "naive_render_answer", "run_suite", "unsafe_markup",
]

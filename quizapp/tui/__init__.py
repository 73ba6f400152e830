"""The Textual app: screens and widgets that present the core and route keys to it.

Nothing here decides what is due, how an answer scores or how a card is scheduled; that is the
core's job (``quizapp.review``, ``quizapp.grading``, ``quizapp.session``). Modules of screens that
are not on the way to the first card (browse, prove, help, stats) are imported when first opened,
so starting the app costs little more than starting Textual.
"""

"""Operators: who sits at a console and what they may do.

The roster of operators, their roles and states (roster), who is at this console (identity), what is kept for team
leads (permissions), a console reopening on an operator (shift), and the notices others' changes leave for them
(notices).
"""

"""Call-backs: the promise made instead of leaving a caller on hold, with a named owner, a time, and the handbook's
10-hour deadline.

The promise and every change to it (promises), when to call (times), my list and one call-back (lines), the lead's
board (board), and what a console should remind its operator of now (reminders).
"""

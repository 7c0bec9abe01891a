"""Calls, from ring to wrap-up: answer before the third ring, and never leave a caller on hold.

The one state machine of calls and operators (states), the queue and its atomic claim (queue), F2 and its screen pop
(answer, call_view), the caller's badges before answering, a live call's transfer, end and wrap-up (handling), what a
PBX reports (pbx_events, queue_log), escalation to a lead, and a lead's listen, whisper and barge (supervision).
"""

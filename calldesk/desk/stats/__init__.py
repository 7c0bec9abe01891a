"""The desk's statistics: service figures for a period (kpis), peak hours (heatmap, staffing with erlang), the
operators' leaderboard and time in each state, the team's live snapshot, and leads' reviews of calls.

Figures are added up by SQL over the epoch-second columns; Python only turns the sums into shares and means.
"""

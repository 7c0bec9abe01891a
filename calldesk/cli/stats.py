"""`calldesk stats`: the desk's service figures for a period, whole or by queue, operator, day or hour; also the
leaderboard, staffing by hour, the weekday x hour heat map and time in states. Table, JSON or CSV."""

from __future__ import annotations

import argparse
import csv
import json
import sys
import textwrap
from typing import Any, TextIO

from calldesk.cli import values
from calldesk.cli.context import CommandError, desk_errors, open_desk, progress_bar

REPORTS = ("figures", "leaderboard", "staffing", "heatmap", "states")
TABLE_FIGURES = ("offered", "answered", "abandoned", "short_abandoned", "service_level", "average_speed_of_answer",
                 "longest_wait", "abandonment_rate", "average_handle_time", "first_call_resolution",
                 "callbacks_on_time", "complaints_opened", "quality_score")  # what fits a terminal, by group
SHORT_LABELS = {"offered": "Offered", "answered": "Answered", "abandoned": "Aband.", "short_abandoned": "Short",
                "service_level": "SL", "average_speed_of_answer": "ASA", "longest_wait": "Longest",
                "abandonment_rate": "Aband.%", "average_handle_time": "AHT", "first_call_resolution": "FCR",
                "callbacks_on_time": "CB on time", "complaints_opened": "Compl.", "quality_score": "Quality"}


def _definitions() -> str:
    from calldesk.desk.stats.definitions import FIGURES, definition_of

    lines = ["definitions (the names in them are config.yaml keys; see docs/statistics.md):"]
    for figure in FIGURES:
        lines += textwrap.wrap(f"{figure.label}: {definition_of(figure)}.", width=100, initial_indent="  ",
                               subsequent_indent="      ")
    lines += ["", "Calls count in the period they arrived in, call-backs by their deadline, complaints when logged "
              "or resolved.", "Days and hours are local to the phone region's main time zone."]
    return "\n".join(lines)


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "stats", parents=[common], help="service figures, leaderboard, peak hours",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="The desk's figures for a period (default: today), whole or by queue, operator, day or hour.",
        epilog=_definitions,  # built when the help is shown
    )
    parser.add_argument("--from", dest="first", metavar="DAY", default="today", type=values.day,
                        help="first day: 2026-11-01, today, yesterday or -N (N days ago); default today")
    parser.add_argument("--to", dest="last", metavar="DAY", default="today", type=values.day,
                        help="last day, included (default today)")
    parser.add_argument("--queue", metavar="QUEUE", help="only this queue's calls")
    parser.add_argument("--of", dest="of_operator", metavar="LOGIN",
                        help="only this operator's calls, call-backs and complaints")
    parser.add_argument("--by", choices=("queue", "operator", "day", "hour"), help="one row per group")
    parser.add_argument("--report", choices=REPORTS, default="figures",
                        help="figures (default); leaderboard (per operator, sortable); staffing (Erlang C by hour); "
                             "heatmap (calls offered by weekday and hour); states (time in each state)")
    parser.add_argument("--sort", metavar="COLUMN", default="calls_handled",
                        help="leaderboard column to sort by, best first (calls_handled, average_handle_time, "
                             "first_call_resolution, callbacks_on_time, quality_score, reviews, login)")
    parser.add_argument("--format", choices=("table", "json", "csv"), default="table")
    parser.add_argument("--output", "-o", metavar="FILE", type=values.file_path,
                        help="write here instead of standard output")
    parser.set_defaults(run=run)


def _scope(args: argparse.Namespace, desk: Any) -> Any:
    from calldesk.desk.errors import DeskError
    from calldesk.desk.stats.grouping import Scope
    from calldesk.desk.stats.period import days_period, parse_day
    from calldesk.store.models import Operator

    try:
        period = days_period(desk, parse_day(desk, args.first, "--from"), parse_day(desk, args.last, "--to"))
    except DeskError as exc:  # days the desk cannot count, or too many of them: the user's to change
        raise CommandError(str(exc), status=2) from None
    operator_id = None
    if login := args.of_operator:
        operator = Operator.get_or_none(Operator.login == login)
        if operator is None:
            raise CommandError(f"--of: no operator {login!r} here (see `calldesk operator list`)", status=2)
        operator_id = operator.id
    return Scope(period, args.queue, operator_id)


def run(args: argparse.Namespace) -> int:
    desk = open_desk(args)
    with desk_errors():
        scope = _scope(args, desk)
        _sum_closed_days(desk, scope)
        header, rows, kinds = _REPORTS[args.report](desk, scope, args)
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8", newline="") as out:
                _write(args, scope, header, rows, kinds, out)
        except OSError as exc:
            raise CommandError(f"{args.output}: cannot write ({exc.strerror})") from None
        print(f"{args.report} for {scope.period.label} written to {args.output}", file=sys.stderr)
    else:
        _write(args, scope, header, rows, kinds, sys.stdout)
    return 0


def _sum_closed_days(desk: Any, scope: Any) -> None:
    """Closed days nobody has summed yet (a console does so in the background; an import adds to them) are summed
    first, with a bar: the report then reads hourly sums, and so will the next one."""
    from calldesk.desk.stats.hours import sum_closed_days

    sum_closed_days(desk, scope.period.first_day, scope.period.last_day, progress_bar("days summed"))


# --- the reports: each gives column names, rows of raw values, and each column's kind for the table ---------

Report = tuple[list[str], list[list[Any]], list[str]]


def _figures(desk: Any, scope: Any, args: argparse.Namespace) -> Report:
    from calldesk.desk.stats.definitions import FIGURES, raw_value
    from calldesk.desk.stats.kpis import figure_rows

    rows = figure_rows(desk, scope, args.by or "total")
    header = [args.by or "group", *(f.name for f in FIGURES)]
    values = [[row.label, *(raw_value(f, f.value(row.tally, desk.config)) for f in FIGURES)] for row in rows]
    return header, values, ["text", *(f.kind for f in FIGURES)]


def _leaderboard(desk: Any, scope: Any, args: argparse.Namespace) -> Report:
    from calldesk.desk.stats.leaderboard import LEADERBOARD_COLUMNS, leaderboard, sort_leaderboard

    rows = sort_leaderboard(leaderboard(desk, scope), args.sort)
    header = ["login", "name", *(c.name for c in LEADERBOARD_COLUMNS[1:])]
    values = [[r.login, r.name, *(getattr(r, c.name) for c in LEADERBOARD_COLUMNS[1:])] for r in rows]
    return header, values, ["text", "text", *(c.kind for c in LEADERBOARD_COLUMNS[1:])]


def _staffing(desk: Any, scope: Any, args: argparse.Namespace) -> Report:
    from calldesk.desk.stats.staffing import staffing

    header = ["hour", "calls_per_hour", "handle_seconds", "operators_needed", "operators_staffed", "service_level"]
    values = [[f"{h.hour:02d}:00", round(h.calls_per_hour, 2), h.handle_seconds and round(h.handle_seconds, 1),
               h.needed, round(h.staffed, 2), h.service_level and round(h.service_level, 4)]
              for h in staffing(desk, scope)]
    return header, values, ["text", "number", "seconds", "count", "number", "share"]


def _heatmap(desk: Any, scope: Any, args: argparse.Namespace) -> Report:
    from calldesk.desk.stats.heatmap import heat_map
    from calldesk.desk.stats.period import WEEKDAYS

    cells = heat_map(desk, scope)
    header = ["weekday", *(f"{h:02d}" for h in range(24))]
    values = [[WEEKDAYS[d], *(cells.offered(d, h) for h in range(24))] for d in range(7)]
    return header, values, ["text", *(["count"] * 24)]


def _states(desk: Any, scope: Any, args: argparse.Namespace) -> Report:
    from calldesk.desk.operators.roster import STATES
    from calldesk.desk.stats.states import time_in_states

    times = time_in_states(desk, scope.period, scope.operator_id)
    reasons = sorted({reason for t in times for reason in t.paused})
    header = ["login", *STATES, *(f"paused: {r}" for r in reasons)]
    values = [[t.login, *(round(t.seconds.get(s, 0.0)) for s in STATES),
               *(round(t.paused.get(r, 0.0)) for r in reasons)] for t in times]
    return header, values, ["text", *(["seconds"] * (len(header) - 1))]


_REPORTS = {"figures": _figures, "leaderboard": _leaderboard, "staffing": _staffing, "heatmap": _heatmap,
            "states": _states}


# --- output ----------------------------------------------------------------------------------------------------


def _write(args: argparse.Namespace, scope: Any, header: list[str], rows: list[list[Any]], kinds: list[str],
           out: TextIO) -> None:
    if args.format == "json":
        document = {"period": {"from": scope.period.first_day.isoformat(), "to": scope.period.last_day.isoformat(),
                               "time_zone": str(scope.period.zone)},
                    "queue": scope.queue, "operator": args.of_operator, "report": args.report,
                    "rows": [dict(zip(header, row, strict=True)) for row in rows]}
        out.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    elif args.format == "csv":
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows([["" if v is None else v for v in row] for row in rows])
    elif args.report == "figures":
        _figures_table(args, scope, header, rows, out)
    else:
        out.write(f"{args.report} for {scope.period.label}\n")
        _table(header, [[_shown(v, k) for v, k in zip(row, kinds, strict=True)] for row in rows], out,
               left={n for n, kind in enumerate(kinds) if kind == "text"})


def _shown(value: Any, kind: str) -> str:
    from calldesk.desk.stats.definitions import format_as

    return format_as(value, kind)


def _figures_table(args: argparse.Namespace, scope: Any, header: list[str], rows: list[list[Any]],
                   out: TextIO) -> None:
    from calldesk.desk.stats.definitions import FIGURES_BY_NAME

    where = "".join(f", {name} {value}" for name, value in (("queue", scope.queue),
                                                            ("operator", args.of_operator)) if value)
    out.write(f"figures for {scope.period.label}{where}\n")
    if not args.by:
        [row] = rows
        _table(["figure", "value"], [[FIGURES_BY_NAME[name].label, _shown(value, FIGURES_BY_NAME[name].kind)]
                                     for name, value in zip(header[1:], row[1:], strict=True)], out)
        return
    columns = [header.index(name) for name in TABLE_FIGURES]
    _table([args.by, *(SHORT_LABELS[name] for name in TABLE_FIGURES)],
           [[row[0], *(_shown(row[i], FIGURES_BY_NAME[header[i]].kind) for i in columns)] for row in rows], out)
    out.write("(every figure: --format json or csv)\n")


def _table(header: list[str], rows: list[list[str]], out: TextIO, left: set[int] | None = None) -> None:
    """Columns as wide as their widest cell: text to the left (the first column always), numbers to the right."""
    left = (left or set()) | {0}
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=True)]
    for i, row in enumerate([header, *rows]):
        cells = [str(c).ljust(w) if j in left else str(c).rjust(w)
                 for j, (c, w) in enumerate(zip(row, widths, strict=True))]
        out.write("  ".join(cells).rstrip() + "\n")
        if i == 0:
            out.write("  ".join("-" * w for w in widths) + "\n")

"""Every figure the desk reports: its name in exports, its label on screen, how it is shown, and its definition in
words (printed by `calldesk stats --help`, shown in the console and written in docs/statistics.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from calldesk.config import Config
from calldesk.desk.stats.tally import Tally
from calldesk.i18n import N_, _, format_count

Kind = Literal["count", "share", "seconds", "number"]


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure the desk reports, defined once for the screen, the exports and the docs."""

    name: str  # the key in JSON and the column in CSV: a public interface
    label: str  # English, shown through _()
    kind: Kind
    definition: str  # English, through definition_of; may name config values: {threshold}, {short}, {fcr_window},
    # {steps}, {sla}
    value: Callable[[Tally, Config], float | int | None]


def script_length(config: Config) -> int:
    return sum(len(stage.steps) for stage in config.script)


FIGURES: tuple[Figure, ...] = (
    Figure("offered", N_("Offered"), "count",
           N_("inbound calls that arrived in a queue in the period (each queue a transfer puts a caller in counts)"),
           lambda t, c: t.offered),
    Figure("answered", N_("Answered"), "count", N_("offered calls an operator answered"), lambda t, c: t.answered),
    Figure("abandoned", N_("Abandoned"), "count",
           N_("offered calls that left the queue unanswered (the caller hung up, or the PBX let them go), "
              "short abandons included"), lambda t, c: t.abandoned),
    Figure("short_abandoned", N_("Short abandons"), "count",
           N_("abandoned calls whose caller hung up in under {short}: counted apart, left out of service level "
              "and abandonment rate"), lambda t, c: t.short_abandoned),
    Figure("service_level", N_("Service level"), "share",
           N_("calls answered within {threshold} divided by answered plus abandoned "
              "calls, short abandons left out"), lambda t, c: t.service_level),
    Figure("average_speed_of_answer", N_("Average speed of answer"), "seconds",
           N_("the mean wait of answered calls, from arrival in the queue to the answer"),
           lambda t, c: t.average_speed_of_answer),
    Figure("longest_wait", N_("Longest wait"), "seconds",
           N_("the longest any answered or abandoned caller waited"), lambda t, c: t.longest_wait),
    Figure("abandonment_rate", N_("Abandonment rate"), "share",
           N_("abandoned calls (short abandons left out) divided by answered plus those abandoned calls"),
           lambda t, c: t.abandonment_rate),
    Figure("average_handle_time", N_("Average handle time"), "seconds",
           N_("talk plus wrap-up (answer to wrap-up done, or to hang-up when no wrap-up was recorded), per answered "
              "call that has ended"), lambda t, c: t.average_handle_time),
    Figure("first_call_resolution", N_("First-call resolution"), "share",
           N_("answered calls after which the same client (or, for a caller not linked to a client, the same number) "
              "had no further call, in or out, within {fcr_window}, divided by answered calls"),
           lambda t, c: t.first_call_resolution),
    Figure("callbacks_due", N_("Call-backs due"), "count",
           N_("call-backs whose deadline fell in the period: done ones, and open ones past their deadline "
              "(cancelled ones left out)"), lambda t, c: t.callbacks_due),
    Figure("callbacks_kept", N_("Call-backs kept"), "count", N_("call-backs due that were done by their deadline"),
           lambda t, c: t.callbacks_kept),
    Figure("callbacks_on_time", N_("Call-backs kept on time"), "share",
           N_("call-backs done by their deadline divided by call-backs due"), lambda t, c: t.callbacks_on_time),
    Figure("callbacks_overdue", N_("Call-backs past the deadline"), "count",
           N_("call-backs whose {sla}-hour deadline fell in the period and that are still open now (the team view's "
              "'overdue' counts those past the time promised to the client, a stricter measure)"),
           lambda t, c: t.callbacks_overdue),
    Figure("complaints_opened", N_("Complaints opened"), "count", N_("complaints logged in the period"),
           lambda t, c: t.complaints_opened),
    Figure("complaints_resolved", N_("Complaints resolved"), "count", N_("complaints resolved in the period"),
           lambda t, c: t.complaints_resolved),
    Figure("mean_time_to_resolve", N_("Mean time to resolve"), "seconds",
           N_("for complaints resolved in the period, the mean time from logging to resolving"),
           lambda t, c: t.mean_time_to_resolve),
    Figure("script_steps_per_call", N_("Script steps per call"), "number",
           N_("etiquette script steps ticked, per answered call ({steps})"),
           lambda t, c: t.script_steps_per_call),
    Figure("phrase_hits_per_call", N_("Phrase-guard hits per call"), "number",
           N_("negative phrasings the phrase guard caught, per answered call"), lambda t, c: t.phrase_hits_per_call),
    Figure("reviews", N_("Reviewed calls"), "count", N_("answered calls a team lead gave a review score"),
           lambda t, c: t.reviews),
    Figure("review_score", N_("Review score"), "number",
           N_("the mean of the leads' review scores (1 to 5) of calls in the period"), lambda t, c: t.review_score),
    Figure("quality_score", N_("Quality score"), "number",
           N_("0 to 100: the mean of script steps done (share of the script, at most 1), calls free of negative "
              "phrases (1 minus hits per call, at least 0) and the review score read as 0 (1) to 1 (5), of the parts "
              "there are figures for"), lambda t, c: t.quality_score(script_length(c))),
)
FIGURES_BY_NAME = {f.name: f for f in FIGURES}


def definition_of(figure: Figure, config: Config | None = None) -> str:
    """The definition in the console's words, with this config's values, or with the config keys' names when there
    is no config (the docs and `calldesk stats --help`)."""
    if config is None:
        return _(figure.definition).format(
            threshold="answer_within_rings x ring_cycle_seconds", short="short_abandon_seconds",
            fcr_window="fcr_window_hours", steps=_("out of the steps of the config's script"), sla="inquiry_sla_hours",
        )
    return _(figure.definition).format(
        threshold=_("{seconds} s ({rings} rings of {cycle} s)").format(
            seconds=f"{config.answer_threshold_seconds:g}", rings=config.answer_within_rings,
            cycle=f"{config.ring_cycle_seconds:g}"),
        short=_("{seconds} s").format(seconds=f"{config.short_abandon_seconds:g}"),
        fcr_window=_("{hours} h").format(hours=f"{config.fcr_window_hours:g}"),
        steps=_("out of the script's {count}").format(count=script_length(config)), sla=f"{config.inquiry_sla_hours:g}",
    )


def format_value(figure: Figure, value: float | None) -> str:
    """How a figure reads on screen: 1,234 / 82.5 % / 1:05 / 2.4; a dash when there is nothing to measure."""
    return format_as(value, figure.kind)


def format_as(value: Any, kind: str) -> str:
    """A value of a kind (count, share, seconds, number) as the screen and the table show it; text as it is."""
    if value is None:
        return "–"
    match kind:
        case "count":
            return format_count(int(value))
        case "share":
            return f"{100 * value:.1f} %"
        case "seconds":
            return format_duration(value)
        case "number":
            return f"{value:.1f}"
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def format_duration(seconds: float) -> str:
    """m:ss under an hour, h:mm:ss above, d h beyond a day."""
    whole = round(seconds)
    if whole >= 86_400:
        return f"{whole // 86_400}d {whole % 86_400 // 3600}h"
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def raw_value(figure: Figure, value: float | None) -> float | int | None:
    """The machine-readable value (JSON, CSV): shares from 0 to 1, times in seconds, rounded sensibly."""
    if value is None or figure.kind == "count":
        return value
    return round(value, 4 if figure.kind == "share" else 2)

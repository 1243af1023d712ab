"""Geometry of a station page's trips-per-hour chart: an SVG drawn on the server (no script,
no CDN), with a labelled count axis and hour labels. Coordinates are SVG user units; the
SVG scales to the page's width."""

import math

LEFT, RIGHT, TOP, BOTTOM = 52, 12, 12, 42  # room for count labels, axis titles, hour labels
BAR, GAP = 20, 4
PLOT_WIDTH, PLOT_HEIGHT = 24 * BAR, 140
WIDTH, HEIGHT = LEFT + PLOT_WIDTH + RIGHT, TOP + PLOT_HEIGHT + BOTTOM


def nice_step(top: int, most_ticks: int = 5) -> int:
    """The smallest 1, 2 or 5 times a power of ten that covers `top` in `most_ticks` steps."""
    raw = max(top, 1) / most_ticks
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def _y(count: int, scale_top: int) -> float:
    return TOP + PLOT_HEIGHT - count / scale_top * PLOT_HEIGHT


def hour_chart(counts: list[int]) -> dict:
    step = nice_step(max(counts))
    scale_top = step * max(1, math.ceil(max(counts) / step))
    bottom = TOP + PLOT_HEIGHT
    bars = [{"hour": hour, "count": count, "x": LEFT + hour * BAR + GAP // 2, "width": BAR - GAP,
             "y": round(_y(count, scale_top), 1), "height": round(bottom - _y(count, scale_top), 1)}
            for hour, count in enumerate(counts)]
    ticks = [{"count": n, "y": round(_y(n, scale_top), 1)} for n in range(0, scale_top + 1, step)]
    hours = [{"hour": h, "x": LEFT + h * BAR + BAR // 2, "label": h % 3 == 0} for h in range(24)]
    return {
        "width": WIDTH, "height": HEIGHT, "left": LEFT, "right": LEFT + PLOT_WIDTH, "top": TOP,
        "bottom": bottom, "middle_x": LEFT + PLOT_WIDTH // 2, "middle_y": TOP + PLOT_HEIGHT // 2,
        "bars": bars, "ticks": ticks, "hours": hours,
    }
